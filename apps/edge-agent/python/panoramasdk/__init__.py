"""panoramasdk on an EdgeFleet appliance: the AWS Panorama application SDK's interface.

    node = panoramasdk.node()
    streams = node.inputs.video_in.get()        # media objects, one per camera of the port
    stream.image                                # numpy array, BGR, height x width x 3
    stream.add_label('text', 0.1, 0.1); stream.add_rect(0.1, 0.1, 0.5, 0.5)
    results = node.call({'data': array}, 'model_node')   # the model's outputs, numpy arrays
    node.outputs.video_out.put(streams)
    node.inputs.threshold.get()                 # a parameter's value
    node.credentials()                          # the runtime role's temporary AWS credentials

The agent opens the cameras and runs the models (ONNX Runtime); this module reaches it over the
node's Unix socket ($PANORAMA_SDK_SOCKET). Parameters and the names of the node's cameras come
from the node's configuration file ($EDGEFLEET_NODE_CONFIG). Needs numpy.
"""
import json
import os
import socket
import struct
import threading
import time

import numpy

__all__ = ['node', 'media']

_RECONNECT_SECONDS = 30


class media:
    """A frame of a camera stream, and what the application draws on it."""

    def __init__(self, image, stream_id, time_stamp, is_cached):
        self.image = image
        self.stream_id = stream_id
        self.time_stamp = time_stamp
        self.is_cached = is_cached
        self._labels = []
        self._rects = []

    def add_label(self, text, x1, y1):
        """Text at (x1, y1), as fractions (0 to 1) of the width and height."""
        self._labels.append([str(text), float(x1), float(y1)])

    def add_rect(self, x1, y1, x2, y2):
        """A box from its top left to its bottom right corner, as fractions (0 to 1) of the width and height."""
        self._rects.append([float(x1), float(y1), float(x2), float(y2)])


class _Connection:
    """The node's socket to the agent: one request at a time (threads share it)."""

    def __init__(self, path):
        self._path = path
        self._sock = None
        self._lock = threading.Lock()

    def _connect(self):
        deadline = time.time() + _RECONNECT_SECONDS
        while True:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                # Room for a frame or a tensor in one send (the kernel caps it at net.core.wmem_max).
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
                sock.connect(self._path)
                return sock
            except OSError:
                # The agent restarting: its socket comes back.
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def _read(self, n):
        """Exactly n bytes, read into one buffer (frames and tensors become numpy arrays over it, not copies)."""
        buffer = bytearray(n)
        view, got = memoryview(buffer), 0
        while got < n:
            count = self._sock.recv_into(view[got:], n - got)
            if not count:
                raise ConnectionError('the agent closed the SDK socket')
            got += count
        return buffer

    def request(self, header, payload=()):
        """Sends a request (its payload: buffers, sent as they are) and returns the answer's header and payload."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._sock is None:
                        self._sock = self._connect()
                    body = json.dumps(dict(header, bytes=sum(len(p) for p in payload))).encode()
                    self._sock.sendall(struct.pack('>I', len(body)) + body)
                    for part in payload:
                        self._sock.sendall(part)
                    (length,) = struct.unpack('>I', self._read(4))
                    answer = json.loads(self._read(length))
                    data = self._read(answer.get('bytes', 0))
                    break
                except (ConnectionError, OSError):
                    if self._sock is not None:
                        self._sock.close()
                    self._sock = None
                    if attempt == 2:
                        raise
        if not answer.get('ok'):
            raise RuntimeError(answer.get('error', 'the agent refused the request'))
        return answer, data


class _MediaInput:
    def __init__(self, connection, port):
        self._connection = connection
        self._port = port

    def get(self):
        """The newest frame of each camera on the port (waits up to a second for a new one; a repeat has is_cached True)."""
        answer, data = self._connection.request({'op': 'get', 'port': self._port})
        streams, offset = [], 0
        for f in answer['frames']:
            image = numpy.frombuffer(data, dtype=numpy.uint8, count=f['size'], offset=offset).reshape(f['height'], f['width'], 3)
            offset += f['size']
            streams.append(media(image, f['stream_id'], f['time_stamp'], f['is_cached']))
        return streams


class _Value:
    def __init__(self, value):
        self._value = value

    def get(self):
        return self._value


class _Output:
    def __init__(self, connection, port):
        self._connection = connection
        self._port = port

    def put(self, streams):
        """Frames for the output (the HDMI sink: the device's preview), with their labels and boxes."""
        frames, payload = [], []
        for s in streams:
            image = numpy.ascontiguousarray(s.image, dtype=numpy.uint8)
            height, width = image.shape[:2]
            frames.append({'stream_id': s.stream_id, 'width': width, 'height': height, 'size': image.nbytes, 'labels': s._labels, 'rects': s._rects})
            payload.append(memoryview(image).cast('B'))
        self._connection.request({'op': 'put', 'port': self._port, 'frames': frames}, payload)


class _Ports:
    def __init__(self, ports, make=None):
        self._ports = dict(ports)
        self._make = make

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        if name not in self._ports:
            if self._make is None:
                raise AttributeError('this node has no input %s (its inputs: %s)' % (name, ', '.join(sorted(self._ports)) or 'none'))
            self._ports[name] = self._make(name)
        return self._ports[name]


class node:
    """The application's node: its inputs, outputs and models."""

    def __init__(self):
        with open(os.environ['EDGEFLEET_NODE_CONFIG']) as f:
            config = json.load(f)
        self._connection = _Connection(os.environ['PANORAMA_SDK_SOCKET'])
        inputs = {}
        for port, value in config.get('inputs', {}).items():
            cameras = isinstance(value, list) and all(isinstance(v, dict) and 'name' in v for v in value)
            inputs[port] = _MediaInput(self._connection, port) if cameras else _Value(value)
        self.inputs = _Ports(inputs)
        self.outputs = _Ports({}, lambda port: _Output(self._connection, port))

    def credentials(self):
        """Temporary AWS credentials of the application's runtime role (its runtimeRoleArn, a role alias),
        fetched by the agent from the credentials provider with the device's certificate and kept in its
        memory only: {'accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration' (ISO 8601),
        'thingName', 's3Endpoint'}. Ask again before 'expiration': the agent refreshes them."""
        answer, _ = self._connection.request({'op': 'credentials'})
        return answer['credentials']

    def call(self, inputs, model_node_name, time_out=None):
        """Runs the model node on the inputs ({name: numpy array}); returns its outputs, numpy arrays, in the model's order."""
        tensors, payload = [], []
        for name, value in inputs.items():
            array = numpy.ascontiguousarray(value)
            if array.dtype == numpy.float64:
                array = array.astype(numpy.float32)
            tensors.append({'name': name, 'dtype': array.dtype.name, 'shape': list(array.shape), 'size': array.nbytes})
            payload.append(memoryview(array).cast('B'))
        answer, data = self._connection.request({'op': 'call', 'model': model_node_name, 'inputs': tensors}, payload)
        outputs, offset = [], 0
        for t in answer['outputs']:
            outputs.append(numpy.frombuffer(data, dtype=numpy.dtype(t['dtype']), count=int(numpy.prod(t['shape'])), offset=offset).reshape(t['shape']))
            offset += t['size']
        return tuple(outputs)
