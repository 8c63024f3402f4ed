// The patient's join page: preview and checks, the waiting room, the call, the end.
// For tests and support, `document.body.dataset.state` is one of loading, preview,
// waiting, admitted, in-call, ended or error, and `window.outpostStats` holds the call's
// counters from getStats (framesDecoded, audioPacketsReceived, session, ...).

import { Call } from "./call.js";
import { Devices, mediaSupported } from "./devices.js";
import { checkConnection, Signal } from "./signal.js";

const $ = (id) => document.getElementById(id);
const STATS_EVERY_MS = 1000;
// An offer that comes while the camera and microphone are still opening (the patient
// joined before allowing them) waits this long for them; then the answer goes without
// them and they are added to the connection as soon as they open.
const DEVICES_WAIT_MS = 2000;
const LINK_CHECK_AFTER_FAILURES = 3;
const SCREENS = {
  loading: "screen-loading",
  preview: "screen-preview",
  waiting: "screen-waiting",
  admitted: "screen-call",
  "in-call": "screen-call",
  ended: "screen-ended",
  error: "screen-error",
};

const page = {
  state: "loading",
  iceServers: [],
  clockOffset: 0, // server clock minus this device's, in ms
  waitingSince: null, // this device's clock, ms
  devicesShown: false,
  muted: false,
  cameraOff: false,
  devicesOpening: null, // the promise of the devices being opened, while they are
};
let call = null;
window.outpostStats = { session: 0, peerConnections: 0, framesDecoded: 0, audioPacketsReceived: 0 };

function setState(state) {
  const screen = SCREENS[state];
  const changed = $(screen).hidden;
  page.state = state;
  document.body.dataset.state = state;
  for (const id of new Set(Object.values(SCREENS))) $(id).hidden = id !== screen;
  const inCall = state === "admitted" || state === "in-call";
  $("devices").hidden = !(state === "preview" || state === "waiting" || (inCall && page.devicesShown));
  $("join").hidden = state !== "preview";
  if (changed) {
    const heading = $(screen).querySelector("h2");
    if (heading) heading.focus();
  }
}

function notice(text) {
  $("notice").textContent = text || "";
}

function callMessage(text) {
  $("call-message").textContent = text || "";
  $("call-message").hidden = !text;
}

function check(id, result, text) {
  const item = $(id);
  item.dataset.result = result;
  item.querySelector("span").textContent = text;
}

function fail(text, retryLabel = "Try again") {
  stopEverything();
  $("error-text").textContent = text;
  $("retry").textContent = retryLabel;
  setState("error");
}

// -- devices -----------------------------------------------------------------------------

const devices = new Devices({
  onLevel: (level) => {
    $("mic-level").value = level;
  },
  onCamera: (ok) =>
    check("check-camera", ok ? "ok" : "failed", ok ? "working" : "not available (you can still join with sound only)"),
  onMicrophone: (ok) =>
    check("check-microphone", ok ? "ok" : "failed", ok ? "working" : "not available"),
});

function fillSelect(select, options, current, none) {
  select.replaceChildren();
  for (const option of options) select.add(new Option(option.label, option.id, false, option.id === current));
  if (!options.length) select.add(new Option(none, ""));
  select.disabled = options.length < 2;
}

function openDevices(cameraId = "", microphoneId = "") {
  const opening = openChosenDevices(cameraId, microphoneId).finally(() => {
    if (page.devicesOpening === opening) page.devicesOpening = null;
  });
  page.devicesOpening = opening;
  return opening;
}

async function openChosenDevices(cameraId, microphoneId) {
  if (!mediaSupported()) {
    check("check-camera", "failed", "this page needs a secure (https) address to use it");
    check("check-microphone", "failed", "this page needs a secure (https) address to use it");
    return;
  }
  try {
    await devices.open(cameraId, microphoneId);
  } catch (error) {
    const blocked = error.name === "NotAllowedError";
    const why = blocked ? "blocked: allow it in your browser's settings, then reload" : "not available";
    check("check-camera", "failed", why);
    check("check-microphone", "failed", why);
    return;
  }
  for (const id of ["self-video", "call-self"]) $(id).srcObject = devices.stream;
  applyToggles();
  devices.watchFrames($("self-video"));
  const found = await devices.choices();
  fillSelect($("camera"), found.cameras, found.camera, "No camera found");
  fillSelect($("microphone"), found.microphones, found.microphone, "No microphone found");
  if (call) {
    await call.replaceTrack(devices.videoTrack, devices.stream);
    await call.replaceTrack(devices.audioTrack, devices.stream);
  }
}

/** Whether a device of `kind` may still open: it is being opened now. */
function devicePending(kind) {
  return page.devicesOpening !== null && !(kind === "audio" ? devices.audioTrack : devices.videoTrack);
}

function devicesSettled(ms) {
  if (page.devicesOpening === null) return Promise.resolve();
  return Promise.race([page.devicesOpening, new Promise((resolve) => setTimeout(resolve, ms))]);
}

function applyToggles() {
  if (devices.audioTrack) devices.audioTrack.enabled = !page.muted;
  if (devices.videoTrack) devices.videoTrack.enabled = !page.cameraOff;
  $("mute").setAttribute("aria-pressed", String(page.muted));
  $("mute").textContent = page.muted ? "Unmute" : "Mute";
  $("camera-off").setAttribute("aria-pressed", String(page.cameraOff));
  $("camera-off").textContent = page.cameraOff ? "Turn camera on" : "Turn camera off";
}

// -- signaling ---------------------------------------------------------------------------

const signal = new Signal(location.pathname, {
  onMessage: (message) => {
    const handler = HANDLERS[message.type];
    if (handler) handler(message);
  },
  onDown: () => {
    notice("Connection lost. Reconnecting…");
    if (signal.failures >= LINK_CHECK_AFTER_FAILURES) checkLink();
  },
  onStop: (reason) => {
    if (reason === "replaced") fail("This visit is now open in another window or tab.", "Use this window");
    else fail("This visit link has expired. Please contact your clinic for a new one.");
  },
});

async function checkLink() {
  let response;
  try {
    response = await fetch(location.href, { method: "HEAD", cache: "no-store" });
  } catch {
    return; // still offline: keep trying
  }
  if (response.status === 404) fail("This visit link does not work.");
  else if (response.status === 410) fail("This visit link has expired. Please contact your clinic for a new one.");
}

const HANDLERS = {
  welcome: (message) => {
    notice("");
    page.iceServers = message.ice_servers || [];
    page.clockOffset = Date.parse(message.server_time) - Date.now();
    if (call) {
      call.iceServers = page.iceServers;
      // A room started afresh counts sessions from its own number again.
      if (message.session < call.session) call.session = message.session;
    }
    if (message.peer === "absent" && call) notice("Your clinician's connection dropped. Please stay on this page.");
  },
  waiting: (message) => {
    page.waitingSince = Date.parse(message.since) - page.clockOffset;
    if (call) {
      call.close();
      call = null;
    }
    setState("waiting");
    showWaited();
  },
  admitted: () => {
    if (page.state !== "in-call") {
      setState("admitted");
      callMessage("Connecting you to your clinician…");
    }
  },
  peer: (message) => {
    const inCall = page.state === "admitted" || page.state === "in-call";
    if (message.state === "left" && inCall) {
      notice("Your clinician's connection dropped. Please stay on this page.");
    } else {
      notice("");
    }
  },
  offer: (message) => answerOffer(message.sdp, message.session),
  bye: () => end(),
};

async function answerOffer(sdp, session) {
  if (!call) {
    call = new Call({ iceServers: page.iceServers, onRemote: showRemote, onState: connectionState });
  }
  await devicesSettled(DEVICES_WAIT_MS);
  let answer;
  try {
    answer = await call.answer(sdp, session, devices.stream, devicePending);
  } catch {
    callMessage("The call could not start on this browser. Please try another browser.");
    return;
  }
  if (answer !== null) signal.send("answer", { sdp: answer, session });
}

function showRemote(stream) {
  const video = $("remote-video");
  if (video.srcObject !== stream) video.srcObject = stream;
  video.play().then(
    () => ($("play-sound").hidden = true),
    () => ($("play-sound").hidden = false),
  );
}

function connectionState(state) {
  if (state === "connected") {
    callMessage("");
    notice("");
    setState("in-call");
  } else if (state === "disconnected" || state === "failed") {
    callMessage("The connection is unstable. Reconnecting…");
  }
}

// -- timers and the end ------------------------------------------------------------------

function showWaited() {
  if (page.waitingSince === null) return;
  const seconds = Math.max(0, Math.floor((Date.now() - page.waitingSince) / 1000));
  const minutes = Math.floor(seconds / 60);
  $("waited").textContent = `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

const timers = [
  setInterval(() => page.state === "waiting" && showWaited(), 1000),
  setInterval(async () => {
    if (call) window.outpostStats = await call.stats();
  }, STATS_EVERY_MS),
];

function stopEverything() {
  signal.stop();
  if (call) call.close();
  devices.stop();
  for (const timer of timers) clearInterval(timer);
}

function end() {
  if (call) window.outpostStats = { ...window.outpostStats, connectionState: "closed" };
  stopEverything();
  call = null;
  notice("");
  setState("ended");
}

// -- wiring ------------------------------------------------------------------------------

async function runConnectionCheck() {
  const rtt = await checkConnection(location.pathname);
  if (rtt === null) check("check-connection", "failed", "cannot reach the clinic's server; check your internet connection");
  else check("check-connection", "ok", `working (${rtt} ms)`);
}

function wire() {
  $("join").addEventListener("click", () => {
    devices.resumeAudio();
    $("join").disabled = true;
    $("join").textContent = "Joining…";
    signal.connect();
  });
  $("leave").addEventListener("click", () => {
    signal.send("bye", { reason: "patient left" });
    end();
  });
  $("mute").addEventListener("click", () => {
    page.muted = !page.muted;
    applyToggles();
  });
  $("camera-off").addEventListener("click", () => {
    page.cameraOff = !page.cameraOff;
    applyToggles();
  });
  $("show-devices").addEventListener("click", () => {
    page.devicesShown = !page.devicesShown;
    $("show-devices").setAttribute("aria-expanded", String(page.devicesShown));
    setState(page.state);
  });
  $("play-sound").addEventListener("click", () => showRemote($("remote-video").srcObject));
  $("retry").addEventListener("click", () => location.reload());
  for (const id of ["camera", "microphone"]) {
    $(id).addEventListener("change", () => openDevices($("camera").value, $("microphone").value));
  }
}

async function start() {
  wire();
  if (!window.RTCPeerConnection || !window.WebSocket) {
    fail("This browser cannot make video calls. Please use a recent Chrome, Edge, Firefox or Safari.");
    return;
  }
  setState("preview");
  runConnectionCheck();
  await openDevices();
}

start();
