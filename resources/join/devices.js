// Camera and microphone for the join page: open the local stream, list the devices to
// choose from, and check them (the camera shows frames, the microphone hears something).

const LEVEL_INTERVAL_MS = 100;
const HEARD_LEVEL = 0.02;

const AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };

export function mediaSupported() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** The local stream and the checks on it. `onLevel(level)` gets the microphone level
 * (0..1) ten times a second; `onCamera(ok)` and `onMicrophone(ok)` report the checks. */
export class Devices {
  constructor({ onLevel, onCamera, onMicrophone }) {
    this.stream = null;
    this.cameraProblem = null; // the error name when only the microphone could be opened
    this._onLevel = onLevel;
    this._onCamera = onCamera;
    this._onMicrophone = onMicrophone;
    this._audioContext = null;
    this._levelTimer = 0;
    this._frameWatch = null;
  }

  get audioTrack() {
    return this.stream ? this.stream.getAudioTracks()[0] || null : null;
  }

  get videoTrack() {
    return this.stream ? this.stream.getVideoTracks()[0] || null : null;
  }

  /** Open the chosen devices (empty id: the default), falling back to the microphone alone
   * when no camera can be opened. Throws when not even a microphone can be. */
  async open(cameraId, microphoneId) {
    this.stop(); // a phone cannot open its camera twice
    const audio = microphoneId ? { ...AUDIO, deviceId: { exact: microphoneId } } : AUDIO;
    const video = cameraId ? { ...VIDEO, deviceId: { exact: cameraId } } : VIDEO;
    this.cameraProblem = null;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio, video });
    } catch (error) {
      if (error.name === "NotAllowedError") throw error;
      this.cameraProblem = error.name;
      this.stream = await navigator.mediaDevices.getUserMedia({ audio });
    }
    this._watchLevel();
    return this.stream;
  }

  /** The cameras and microphones, and which of them are in use now. */
  async choices() {
    const found = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind) =>
      found
        .filter((device) => device.kind === kind && device.deviceId)
        .map((device, index) => ({
          id: device.deviceId,
          label: device.label || `${kind === "videoinput" ? "Camera" : "Microphone"} ${index + 1}`,
        }));
    const inUse = (track) => (track ? track.getSettings().deviceId || "" : "");
    return {
      cameras: pick("videoinput"),
      microphones: pick("audioinput"),
      camera: inUse(this.videoTrack),
      microphone: inUse(this.audioTrack),
    };
  }

  /** Report the camera check once `video` (showing this stream) has painted a frame. */
  watchFrames(video) {
    this._frameWatch = video;
    if (!this.videoTrack) {
      this._onCamera(false);
      return;
    }
    const stream = this.stream;
    const seen = () => {
      if (this.stream === stream && this._frameWatch === video) this._onCamera(true);
    };
    if (typeof video.requestVideoFrameCallback === "function") {
      video.requestVideoFrameCallback(seen);
    } else {
      video.addEventListener("timeupdate", seen, { once: true });
    }
  }

  _watchLevel() {
    clearInterval(this._levelTimer);
    const track = this.audioTrack;
    if (!track) {
      this._onMicrophone(false);
      return;
    }
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!this._audioContext) this._audioContext = new Context();
    const context = this._audioContext;
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let heard = false;
    this._levelTimer = setInterval(() => {
      if (context.state === "suspended") context.resume().catch(() => {});
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this._onLevel(track.enabled ? level : 0);
      if (!heard && level > HEARD_LEVEL) {
        heard = true;
        this._onMicrophone(true);
      }
    }, LEVEL_INTERVAL_MS);
  }

  /** Let the browser start audio after a tap (some only allow it then). */
  resumeAudio() {
    if (this._audioContext && this._audioContext.state === "suspended") {
      this._audioContext.resume().catch(() => {});
    }
  }

  stop() {
    clearInterval(this._levelTimer);
    if (this.stream) {
      for (const track of this.stream.getTracks()) track.stop();
    }
    this.stream = null;
  }
}
