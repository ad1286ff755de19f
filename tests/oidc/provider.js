// A real OpenID Connect provider for the single sign-on tests (tests/browser/test_sso.py):
// the certified `oidc-provider` package, with one static client (the app), the development
// sign-in form (any password) and a few accounts with email addresses and groups.
//
//   node tests/oidc/provider.js
//
// Environment: OIDC_TEST_REDIRECT_URIS (comma-separated: the app's /oidc/callback/ URL) and
// OIDC_TEST_POST_LOGOUT_REDIRECT_URIS (comma-separated: where sign-out may return), and
// OIDC_TEST_CLOCK_OFFSET_SECONDS (the test run's clock, if moved). It listens
// on a free port of 127.0.0.1 and prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"},
// once it answers. For tests only: never a provider for real people.
import http from 'node:http';

import Provider from 'oidc-provider';

// The tests may move their clock (pytest --today); the app then checks the tokens' issue and expiry
// times by it, so this provider's clock is moved by as much (OIDC_TEST_CLOCK_OFFSET_SECONDS).
const clockOffsetMs = Number(process.env.OIDC_TEST_CLOCK_OFFSET_SECONDS || 0) * 1000;
if (clockOffsetMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + clockOffsetMs;
}

export const CLIENT_ID = 'school-improvement';
export const CLIENT_SECRET = 'test-client-secret-not-used-anywhere-else';

// The account id is what is typed into the development sign-in form's first box.
const ACCOUNTS = {
  olivia: { email: 'officer@example.org', email_verified: true, given_name: 'Olivia', family_name: 'Okafor', groups: [] },
  // The demo's second adviser, an officer at the council: the group maps to the officer role.
  priya: { email: 'adviser2@example.org', email_verified: true, given_name: 'Priya', family_name: 'Shah', groups: ['grp-officers'] },
  // The demo's adviser, whose address the provider never verified.
  adam: { email: 'adviser@example.org', email_verified: false, given_name: 'Adam', family_name: 'Reid', groups: [] },
  // Verified, in an allowed domain, but with no account in the app.
  stranger: { email: 'stranger@example.org', email_verified: true, given_name: 'Sid', family_name: 'Stranger', groups: [] },
  // Verified, outside the allowed domains.
  outsider: { email: 'officer@elsewhere.test', email_verified: true, given_name: 'Owen', family_name: 'Outsider', groups: [] },
};

function list(name) {
  return (process.env[name] || '').split(',').map((value) => value.trim()).filter(Boolean);
}

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: list('OIDC_TEST_REDIRECT_URIS'),
    post_logout_redirect_uris: list('OIDC_TEST_POST_LOGOUT_REDIRECT_URIS'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // Entra ID puts group ids in a `groups` claim; here the profile scope carries it.
    profile: ['given_name', 'family_name', 'name', 'groups'],
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: `${account.given_name} ${account.family_name}`, ...account };
      },
    };
  },
  // The app is the council's own: no consent screen (a grant is made for whatever it asks).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'given_name', 'family_name', 'name', 'groups']);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => false },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
