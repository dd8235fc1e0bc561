import { expect, roomNav, test } from './fixtures';

test('the front door sends people to sign in, or straight into the chat', async ({ browser, baseURL, alice }) => {
  await alice.page.goto('/');
  await alice.page.waitForURL('**/chat');

  const stranger = await browser.newContext({ baseURL });
  const page = await stranger.newPage();
  await page.goto('/');
  await page.waitForURL('**/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL('**/register');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await stranger.close();
});

test('a link into a room, opened signed out, comes back to that room after signing in (also by way of sign-up)', async ({
  browser,
  baseURL,
  alice,
}) => {
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  const name = `next-${Date.now().toString(36)}`;
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  const roomPath = new URL(alice.page.url()).pathname + new URL(alice.page.url()).search;

  // The sign-in form is in the page's HTML itself, drawn before any script runs, and the
  // HTML names the page's own code so the browser fetches it with the app's entry.
  const html = await (await alice.page.request.get('/login')).text();
  expect(html).toContain('<title>Sign in · Quantum Chat</title>');
  expect(html).toMatch(/<form [^>]*class="auth__form"/);
  // Submitted before the scripts have run, the password would not go into the address.
  expect(html).toMatch(/<form [^>]*method="post"/);
  expect(html).toContain('New to Quantum Chat? ');
  expect(html).toMatch(/<link rel="modulepreload" crossorigin href="\/assets\/page-[\w-]+\.js">/);
  // A page that depends on the person shows the splash until the app draws it.
  const chatHtml = await (await alice.page.request.get('/chat')).text();
  expect(chatHtml).toContain('<div class="splash" role="status">');
  expect(chatHtml).not.toContain('data-prerendered');

  const stranger = await browser.newContext({ baseURL });
  const page = await stranger.newPage();
  // Loaded as a page of its own (drawn in its HTML, then made live), the form keeps `?next=` too.
  await page.goto('/login?next=%2Fsettings');
  await expect(page.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/register?next=%2Fsettings');
  await page.goto(roomPath);
  await page.waitForURL(/\/login\?next=/);
  // "Create an account" keeps where the person was going, and back again.
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL(/\/register\?next=/);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/login\?next=/);
  await page.getByRole('textbox', { name: 'Username' }).fill(alice.username);
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${roomPath.replace(/[?]/g, '\\?')}$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await stranger.close();
});

test('signing out and back in, and a wrong password is explained', async ({ alice }) => {
  const { page } = alice;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL('**/settings');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');

  // The session is gone: the chat sends people to sign in.
  await page.goto('/chat');
  await page.waitForURL(/\/login/);

  await page.getByRole('textbox', { name: 'Username' }).fill(alice.username);
  await page.getByLabel('Password').fill('definitely-not-it');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toBeVisible();

  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/chat');
  await expect(roomNav(page)).toBeVisible();

  // A reload restores the session from the refresh cookie (the access token lives in memory only).
  await page.reload();
  await expect(roomNav(page)).toBeVisible();
  await expect(page.getByText(`@${alice.username}`)).toBeVisible();
});

test('a phone-width screen shows the room list, then the room with a way back', async ({ alice, bob }) => {
  for (const person of [alice, bob]) await person.page.setViewportSize({ width: 390, height: 800 });
  const { page } = alice;
  await page.getByRole('button', { name: 'New direct message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New direct message' });
  await dialog.getByRole('textbox', { name: 'Search people' }).fill(bob.username);
  await dialog.getByRole('button', { name: new RegExp(`@${bob.username}`) }).click();
  await page.waitForURL(/\/chat\?room=/);

  await expect(roomNav(page)).toBeHidden();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to rooms' }).click();
  await expect(roomNav(page)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeHidden();
});
