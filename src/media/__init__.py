"""Calls: peer connections, devices, codecs (aiortc), on the runtime thread."""
