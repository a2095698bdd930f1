"""Clip recorder: an AWS Panorama application that records clips from every camera of its node
and uploads each to an S3 bucket with the temporary credentials of its runtime role.

Each camera's frames (panoramasdk) are collected for `clip_seconds`, encoded to H.264 in MP4 by
FFmpeg, and put with SigV4 to s3://<bucket>/clips/<thing>/<camera>/<start, ms since the epoch>.mp4
(the key EdgeFleet's clips(...) query reads). Cameras record side by side; encoding and upload run
in a thread per clip, so recording goes on meanwhile. No credentials are configured anywhere: the
node asks the SDK for its runtime role's, which the device fetched from the credentials provider
with its own certificate. Needs numpy (the SDK), ffmpeg, and Python's standard library.
"""
import datetime
import hashlib
import hmac
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import panoramasdk

logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(asctime)s %(levelname)s %(message)s')
log = logging.getLogger('clip-recorder')

BUCKET = os.environ.get('CLIPS_BUCKET', 'edgefleet-clips')


def region_of(endpoint):
    """Amazon S3's region from its endpoint (s3.<region>.amazonaws.com); EdgeFleet's takes any (AWS_REGION, or us-east-1)."""
    host = urllib.parse.urlsplit(endpoint).hostname or ''
    parts = host.split('.')
    if host.endswith('.amazonaws.com') and len(parts) >= 4 and parts[0] == 's3':
        return parts[1]
    return os.environ.get('AWS_REGION', 'us-east-1')


def _sign(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def put_object(credentials, bucket, key, body):
    """S3 PutObject, path-style, signed with SigV4 and the session token (what an AWS SDK sends)."""
    endpoint = credentials['s3Endpoint'].rstrip('/')
    url = urllib.parse.urlsplit(endpoint)
    path = '%s/%s/%s' % (url.path, bucket, urllib.parse.quote(key, safe='/-_.~'))
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime('%Y%m%dT%H%M%SZ'), now.strftime('%Y%m%d')
    region = region_of(endpoint)
    payload_hash = hashlib.sha256(body).hexdigest()
    headers = {
        'host': url.netloc,
        'x-amz-content-sha256': payload_hash,
        'x-amz-date': amz_date,
        'x-amz-security-token': credentials['sessionToken'],
    }
    signed = ';'.join(sorted(headers))
    canonical = '\n'.join(['PUT', path, '', ''.join('%s:%s\n' % (k, headers[k]) for k in sorted(headers)), signed, payload_hash])
    scope = '%s/%s/s3/aws4_request' % (day, region)
    to_sign = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key_ = _sign(_sign(_sign(_sign(('AWS4' + credentials['secretAccessKey']).encode(), day), region), 's3'), 'aws4_request')
    signature = hmac.new(key_, to_sign.encode(), hashlib.sha256).hexdigest()
    headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (credentials['accessKeyId'], scope, signed, signature)
    headers['content-type'] = 'video/mp4'
    request = urllib.request.Request(endpoint[: len(endpoint) - len(url.path)] + path, data=body, method='PUT', headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def encode(frames, seconds, path):
    """The frames (BGR, all of one size) as H.264 in MP4, as long as the time they were recorded in."""
    height, width = frames[0].shape[:2]
    rate = '%.3f' % (len(frames) / seconds)
    ffmpeg = subprocess.Popen(
        ['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'bgr24', '-s', '%dx%d' % (width, height), '-framerate', rate, '-i', '-',
         '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', path],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = ffmpeg.communicate(b''.join(f.tobytes() for f in frames))
    if ffmpeg.returncode != 0:
        raise RuntimeError('ffmpeg failed: %s' % err.decode(errors='replace')[-500:])


class Recorder:
    def __init__(self, node, seconds):
        self.node = node
        self.seconds = seconds
        self.clips = {}  # camera -> (started at, frames)

    def add(self, stream):
        started, frames = self.clips.setdefault(stream.stream_id, (time.time(), []))
        if frames and stream.image.shape != frames[0].shape:
            frames.clear()  # the camera changed its size: this clip starts again
        frames.append(stream.image.copy())
        if time.time() - started >= self.seconds:
            del self.clips[stream.stream_id]
            threading.Thread(target=self.upload, args=(stream.stream_id, started, frames, time.time() - started), daemon=True).start()

    def upload(self, camera, started, frames, seconds):
        try:
            with tempfile.TemporaryDirectory() as work:
                path = os.path.join(work, 'clip.mp4')
                encode(frames, seconds, path)
                with open(path, 'rb') as f:
                    body = f.read()
            credentials = self.node.credentials()
            key = 'clips/%s/%s/%d.mp4' % (credentials['thingName'], camera, int(started * 1000))
            put_object(credentials, BUCKET, key, body)
            log.info('uploaded %s (%d frames, %.1f s, %d bytes)', key, len(frames), seconds, len(body))
        except Exception as e:  # a clip lost is said; recording goes on
            log.error('clip of %s not uploaded: %s', camera, e)


def main():
    node = panoramasdk.node()
    seconds = float(node.inputs.clip_seconds.get())
    log.info('recording %.0f-second clips to s3://%s', seconds, BUCKET)
    recorder = Recorder(node, seconds)
    while True:
        for stream in node.inputs.video_in.get():
            if not stream.is_cached:
                recorder.add(stream)


if __name__ == '__main__':
    main()
