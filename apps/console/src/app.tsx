import { type FormEvent, useMemo, useState } from 'react';
import { WhoAmIDocument } from '@edgefleet/client';
import { SessionContext, useRoute } from './hooks';
import { Application, Applications } from './pages/applications';
import { Cameras, Packages } from './pages/catalogue';
import { Device } from './pages/device';
import { Devices } from './pages/devices';
import { DeploymentDetail, Groups } from './pages/groups';
import { Overview } from './pages/overview';
import { Rollouts } from './pages/rollouts';
import { type Session, clientFor, saveSession, storedSession } from './session';

function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { whoami } = await clientFor(apiKey.trim()).data(WhoAmIDocument);
      onSession({ apiKey: apiKey.trim(), role: whoami.role, organizationId: whoami.organizationId, accountId: whoami.accountId });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="signin" onSubmit={submit}>
      <h1>EdgeFleet</h1>
      <label>
        API key
        <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} aria-label="API key" autoFocus />
      </label>
      <button type="submit" disabled={busy || !apiKey.trim()}>
        Sign in
      </button>
      {error && (
        <p className="problem" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

const NAV: [string, string][] = [
  ['', 'Overview'],
  ['devices', 'Devices'],
  ['rollouts', 'Rollouts'],
  ['groups', 'Groups'],
  ['cameras', 'Cameras'],
  ['packages', 'Packages'],
  ['applications', 'Applications'],
];

function Page({ route }: { route: string[] }) {
  const [first = '', second] = route;
  const [page, query = ''] = first.split('?');
  switch (page) {
    case 'devices':
      return second ? <Device key={second} deviceId={second} /> : <Devices initialStatus={new URLSearchParams(query).get('status') ?? undefined} />;
    case 'rollouts':
      return <Rollouts selected={second} />;
    case 'groups':
      return second === 'deployments' && route[2] ? <DeploymentDetail key={route[2]} name={route[2]} /> : <Groups selected={second} />;
    case 'cameras':
      return <Cameras />;
    case 'packages':
      return <Packages />;
    case 'applications':
      return second ? <Application key={second} id={second} /> : <Applications />;
    default:
      return <Overview />;
  }
}

export function App() {
  // A session stored before accounts were shown has no account id: signing in again fills it.
  const [session, setSession] = useState(() => { const s = storedSession(); return s?.accountId ? s : undefined; });
  const route = useRoute();
  const api = useMemo(() => (session ? clientFor(session.apiKey) : undefined), [session]);
  const change = (s: Session | undefined) => {
    saveSession(s);
    void api?.close();
    setSession(s);
  };
  if (!session || !api) return <SignIn onSession={change} />;
  const current = (route[0] ?? '').split('?')[0];
  return (
    <SessionContext.Provider value={{ session, api }}>
      <header className="top">
        <strong>EdgeFleet</strong>
        <nav>
          {NAV.map(([path, label]) => (
            <a key={label} href={`#/${path}`} className={current === path ? 'current' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span className="who" title="Manifests name your packages <account id>::<package>" data-testid="account">
          Account {session.accountId}
        </span>
        <span className="who" data-testid="role">
          {session.role}
        </span>
        <a href="/graphiql">GraphiQL</a>
        <button className="small" onClick={() => change(undefined)}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}
