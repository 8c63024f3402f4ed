// The patient's side of the call: one RTCPeerConnection per offer `session`. The
// clinician always offers; each offer with a higher session replaces the connection
// (a reconnection or renegotiation). Candidates travel inside the SDP, so the answer is
// sent only once ICE gathering has finished (docs/signaling.md).

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

  /** Answer an offer; null when it is stale (an older session than the current one). */
  async answer(sdp, session, stream) {
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
    if (stream) {
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    if (this.pc !== pc) return null; // replaced while gathering
    return pc.localDescription.sdp;
  }

  /** Use another camera or microphone without renegotiating. */
  async replaceTrack(track) {
    if (!this.pc || !track) return;
    for (const sender of this.pc.getSenders()) {
      if (sender.track && sender.track.kind === track.kind) await sender.replaceTrack(track);
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
