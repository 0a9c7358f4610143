import { render } from 'preact';
import { setSignInConfig } from './api/client';
import { restoreDrafts } from './auth/drafts';
import { completeSignIn, currentToken, startSignIn, wasSignedIn } from './auth/session';
import { loadConfig, type SignInConfig } from './config';
import { App } from './App';
import { SignInScreen } from './pages/SignInScreen';
import './styles.css';

const root = document.getElementById('app')!;

async function main() {
  restoreDrafts();
  const loaded = await loadConfig();
  if (!loaded.auth) throw new Error('sign-in is not configured for this deployment (see the README, Deploy: consoleSignIn).');
  const config = loaded as SignInConfig;
  setSignInConfig(config);
  let problem: string | undefined;
  try {
    await completeSignIn(config);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (currentToken()) return render(<App config={config} />, root);
  // A reload of a signed-in tab: the token was in memory only, so go back through the issuer.
  if (!problem && wasSignedIn()) return startSignIn(config);
  render(<SignInScreen config={config} problem={problem} />, root);
}

main().catch((error: unknown) => {
  render(
    <main class="center">
      <h1>Datagate console</h1>
      <p role="alert" class="error">
        The console could not start: {error instanceof Error ? error.message : String(error)}
      </p>
    </main>,
    root,
  );
});
