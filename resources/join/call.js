// The patient's side of the call: one RTCPeerConnection per offer `session`. The
// clinician always offers; each offer with a higher session replaces the connection
// (a reconnection or renegotiation). Candidates travel inside the SDP, so the answer is
// sent only once ICE gathering has finished (docs/signaling.md).
//
// The answer sends audio and video whenever the patient has, or may still get, a camera
// and a microphone: a kind whose device is still opening (the permission prompt is up)
// is answered "sendrecv" with no track yet, and `replaceTrack` puts the track on that
// sender when it opens, so media starts on the same connection without renegotiating.

const GATHER_TIMEOUT_MS = 10000;

function gathered(pc) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** `onRemote(stream)` when the clinician's media arrives; `onState(state)` with the
 * connection state of the current peer connection. */
export class Call {
  constructor({ iceServers, onRemote, onState }) {
    this.iceServers = iceServers;
    this.session = 0;
    this.connections = 0; // peer connections made so far (the first call and reconnections)
    this.pc = null;
    this._onRemote = onRemote;
    this._onState = onState;
  }

  /** Answer an offer; null when it is stale (an older session than the current one).
   * `stream` holds the tracks there are now; `pending(kind)` says whether a device of
   * that kind may still open ("audio" or "video"). */
  async answer(sdp, session, stream, pending = () => false) {
    if (session < this.session || (session === this.session && this.pc)) return null;
    this.close();
    this.session = session;
    this.connections += 1;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    const remote = new MediaStream();
    pc.addEventListener("track", (event) => {
      if (this.pc !== pc) return;
      const source = event.streams[0];
      const shown = source || remote;
      if (!source) remote.addTrack(event.track);
      this._onRemote(shown);
    });
    pc.addEventListener("connectionstatechange", () => {
      if (this.pc === pc) this._onState(pc.connectionState);
    });
    await pc.setRemoteDescription({ type: "offer", sdp });
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      const track = stream ? stream.getTracks().find((item) => item.kind === kind) : null;
      if (track) {
        await transceiver.sender.replaceTrack(track);
        if (transceiver.sender.setStreams) transceiver.sender.setStreams(stream);
      }
      transceiver.direction = track || pending(kind) ? "sendrecv" : "recvonly";
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    if (this.pc !== pc) return null; // replaced while gathering
    return pc.localDescription.sdp;
  }

  /** Send `track` (a camera or microphone opened late, or another one) without
   * renegotiating, on the sender the answer set up for its kind. */
  async replaceTrack(track, stream = null) {
    if (!this.pc || !track) return;
    for (const transceiver of this.pc.getTransceivers()) {
      const sends = transceiver.currentDirection === "sendrecv" || transceiver.direction === "sendrecv";
      if (transceiver.receiver.track.kind !== track.kind || !sends) continue;
      await transceiver.sender.replaceTrack(track);
      if (stream && transceiver.sender.setStreams) transceiver.sender.setStreams(stream);
    }
  }

  /** Counters from getStats for the page's tests and for the person reading them. */
  async stats() {
    const found = {
      session: this.session,
      peerConnections: this.connections,
      connectionState: this.pc ? this.pc.connectionState : "none",
      framesDecoded: 0,
      framesReceived: 0,
      framesPerSecond: 0,
      frameWidth: 0,
      frameHeight: 0,
      framesEncoded: 0,
      audioPacketsReceived: 0,
      audioPacketsSent: 0,
      bytesReceived: 0,
      bytesSent: 0,
      roundTripTime: null,
      candidateType: null,
    };
    if (!this.pc) return found;
    const report = await this.pc.getStats();
    report.forEach((entry) => {
      if (entry.type === "inbound-rtp" && entry.kind === "video") {
        found.framesDecoded += entry.framesDecoded || 0;
        found.framesReceived += entry.framesReceived || 0;
        found.framesPerSecond = entry.framesPerSecond || 0;
        found.frameWidth = entry.frameWidth || 0;
        found.frameHeight = entry.frameHeight || 0;
        found.bytesReceived += entry.bytesReceived || 0;
      } else if (entry.type === "inbound-rtp" && entry.kind === "audio") {
        found.audioPacketsReceived += entry.packetsReceived || 0;
        found.bytesReceived += entry.bytesReceived || 0;
      } else if (entry.type === "outbound-rtp" && entry.kind === "video") {
        found.framesEncoded += entry.framesEncoded || 0;
        found.bytesSent += entry.bytesSent || 0;
      } else if (entry.type === "outbound-rtp" && entry.kind === "audio") {
        found.audioPacketsSent += entry.packetsSent || 0;
        found.bytesSent += entry.bytesSent || 0;
      } else if (entry.type === "candidate-pair" && entry.nominated && entry.state === "succeeded") {
        found.roundTripTime = entry.currentRoundTripTime ?? null;
        const local = report.get(entry.localCandidateId);
        found.candidateType = local ? local.candidateType : null;
      }
    });
    return found;
  }

  close() {
    if (this.pc) this.pc.close();
    this.pc = null;
  }
}
