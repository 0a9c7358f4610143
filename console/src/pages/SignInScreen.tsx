import { useState } from 'preact/hooks';
import { startSignIn } from '../auth/session';
import type { SignInConfig } from '../config';

/** The first screen when nobody is signed in in this tab. */
export function SignInScreen(props: { config: SignInConfig; problem?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <main class="center">
      <h1>Datagate console</h1>
      <p>Manage your organization's people, applications, API keys and datasources.</p>
      {props.problem && (
        <p role="alert" class="error">
          {props.problem}
        </p>
      )}
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void startSignIn(props.config);
        }}
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </main>
  );
}
