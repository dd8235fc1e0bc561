import { readFile } from 'node:fs/promises';
import { composer, expect, expectAllSent, messageLog, openDirectMessage, roomLink, test } from './fixtures';

/*
 * Files (issue #13) as two people use them: a screenshot pasted into the composer uploads at
 * once and goes with the message; the other side sees its preview, opens the lightbox, and
 * downloads a file card's file with the bytes that were sent.
 */

test('a pasted image and an attached file reach the other side: preview, lightbox, download', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);

  // A 640×400 screenshot, pasted.
  await composer(alice.page).click();
  await composer(alice.page).evaluate(async (textarea) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 400;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#2255aa';
    ctx.fillRect(0, 0, 640, 400);
    ctx.fillStyle = '#ffcc00';
    ctx.fillRect(100, 100, 200, 120);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const data = new DataTransfer();
    data.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }));
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const chip = alice.page.getByTestId('attachment-chip');
  await expect(chip).toHaveAttribute('data-status', 'done');
  await expect(chip).toContainText('screenshot.png');
  await composer(alice.page).fill('the layout so far');
  await composer(alice.page).press('Enter');
  await expect(alice.page.getByTestId('attachment-tray')).toBeHidden();
  await expectAllSent(alice.page, 1);

  // A file, attached with the button's file picker.
  const notes = 'Meeting notes\n- ship files\n- then push\n';
  await alice.page.getByTestId('attach-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) });
  await expect(alice.page.getByTestId('attachment-chip')).toHaveAttribute('data-status', 'done');
  await alice.page.getByRole('button', { name: 'Send' }).click();
  await expectAllSent(alice.page, 2);

  await roomLink(bob.page, 'Alice').click();
  const log = messageLog(bob.page);
  const preview = log.getByTestId('attachment-image');
  await expect(preview).toHaveCount(1);
  const img = preview.locator('img');
  await expect(img).toHaveAttribute('alt', 'screenshot.png');
  // Loaded through its signed link: a real image, decoded by the browser.
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
  await expect(log.getByTestId('message').first()).toContainText('the layout so far');

  await preview.click();
  const lightbox = bob.page.getByRole('dialog', { name: 'screenshot.png' });
  await expect(lightbox).toBeVisible();
  const full = lightbox.locator('img');
  await expect.poll(() => full.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(640);
  await expect(lightbox).toContainText('640 × 400');
  await bob.page.keyboard.press('Escape');
  await expect(lightbox).toBeHidden();

  const card = log.getByTestId('attachment-file');
  await expect(card).toContainText('notes.txt');
  await expect(card).toContainText('TXT');
  const [download] = await Promise.all([bob.page.waitForEvent('download'), card.getByRole('link', { name: 'Download notes.txt' }).click()]);
  expect(download.suggestedFilename()).toBe('notes.txt');
  expect(await readFile((await download.path())!, 'utf8')).toBe(notes);
});

test('a file the server refuses says why in the composer, and can be removed', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);
  // An ELF program: recognised by its bytes, and not a type the server keeps.
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4088, 0)]);
  await alice.page.getByTestId('attach-input').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: elf });
  const chip = alice.page.getByTestId('attachment-chip');
  await expect(chip).toHaveAttribute('data-status', 'failed');
  await expect(chip.getByRole('alert')).toContainText("can't be sent here");
  await expect(alice.page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await chip.getByRole('button', { name: 'Remove photo.jpg' }).click();
  await expect(chip).toBeHidden();
});

test('a picture chosen in settings becomes my avatar for both people, live; a file that is no picture is refused with why; removed, the initials come back', async ({
  alice,
  bob,
}) => {
  await openDirectMessage(alice, bob);
  await composer(alice.page).fill('my new look');
  await composer(alice.page).press('Enter');
  await expectAllSent(alice.page, 1);
  // Bob has the conversation open while she changes her picture.
  await roomLink(bob.page, alice.displayName).click();
  await expect(messageLog(bob.page).getByText('my new look')).toBeVisible();
  const hersInitials = messageLog(bob.page).locator('.message').first().locator('.avatar--initials');
  await expect(hersInitials).toBeVisible();

  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await alice.page.waitForURL('**/settings');
  // A 600×400 picture made in the page (a canvas), as a phone's would be.
  const png = Buffer.from(
    await alice.page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 600;
      canvas.height = 400;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#cc3366';
      ctx.fillRect(0, 0, 600, 400);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    }),
    'base64',
  );
  const picture = alice.page.getByTestId('picture-input');
  const refusal = alice.page.locator('.settings__picture').getByRole('alert');
  await picture.setInputFiles({ name: 'notes.txt', mimeType: 'image/png', buffer: Buffer.from('these are notes, not a picture') });
  await expect(refusal).toContainText('not a picture we can read');
  await picture.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
  const mine = alice.page.locator('.settings__identity img.avatar');
  await expect(mine).toHaveAttribute('src', /^\/api\/v1\/avatars\/[0-9a-f-]{36}\?v=[0-9a-f]{16}$/);
  await expect.poll(() => mine.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(refusal).toHaveCount(0);
  const src = await mine.getAttribute('src');

  // Bob sees it beside her message at once (user:updated), loaded from here under the page's policy.
  const hers = messageLog(bob.page).locator(`img.avatar[src="${src}"]`).first();
  await expect(hers).toBeVisible();
  await expect.poll(() => hers.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await expect(hersInitials).toHaveCount(0);
  // And on opening the app again (from the server, not only from the live event).
  await bob.page.reload();
  await expect(messageLog(bob.page).locator(`img.avatar[src="${src}"]`).first()).toBeVisible();

  await alice.page.getByRole('button', { name: 'Remove picture' }).click();
  await expect(mine).toHaveCount(0);
  await expect(hersInitials).toBeVisible();
  await expect(messageLog(bob.page).locator('img.avatar')).toHaveCount(0);
  await expect(alice.page.locator('.settings__identity .avatar--initials')).toBeVisible();
  await expect(alice.page.getByRole('button', { name: 'Upload a picture' })).toBeVisible();
});
