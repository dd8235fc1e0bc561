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
