import { useState } from 'react';
import { type ClipFieldsFragment, ClipsDocument } from '@edgefleet/client';
import { useQuery } from '../hooks';
import { Problem, Table, when } from '../ui';

/** Camera clips, newest first; Play shows one in the player (its signed URL, seekable). `byDevice`: a camera's clips on every device. */
export function ClipList({ clips, byDevice = false }: { clips: ClipFieldsFragment[]; byDevice?: boolean }) {
  const [playing, setPlaying] = useState<string | null>(null);
  const clip = clips.find((c) => c.clipId === playing);
  return (
    <>
      <Table
        rows={clips}
        rowKey={(c) => c.clipId}
        empty={byDevice ? 'No clip from this camera.' : 'No clip from this device.'}
        columns={[
          byDevice ? ['Device', (c) => <a href={`#/devices/${c.deviceId}`}>{c.deviceId}</a>] : ['Camera', (c) => c.camera],
          ['Starts', (c) => when(c.startedAt)],
          ['Size', (c) => `${(c.sizeBytes / 1024).toFixed(0)} KB`],
          ['Uploaded by', (c) => c.uploadedBy],
          ['', (c) => <button className="small" onClick={() => setPlaying(c.clipId)} aria-label={`Play clip ${c.clipId}`}>Play</button>],
        ]}
      />
      {clip && (
        <figure className="clip">
          <video key={clip.clipId} src={clip.url} controls autoPlay muted data-testid="clip-player" />
          <figcaption>
            {clip.camera} · {when(clip.startedAt)} · <code>{clip.objectKey}</code>
          </figcaption>
        </figure>
      )}
    </>
  );
}

/** One camera's newest clips, on every device that records it. */
export function CameraClips({ camera }: { camera: string }) {
  const clips = useQuery(ClipsDocument, { camera, first: 10 });
  return (
    <>
      <h2>Clips of {camera}</h2>
      <Problem error={clips.error} />
      <ClipList clips={clips.data?.clips.edges.map((e) => e.node) ?? []} byDevice />
    </>
  );
}
