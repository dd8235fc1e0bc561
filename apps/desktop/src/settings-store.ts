import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/*
 * The shell's own settings, a small JSON file in Electron's userData folder: the server's
 * address (when set by hand) and where the window was. A missing file is an empty one; a
 * file that does not parse is reported and read as empty (the shell still opens); writes go
 * to a temporary file renamed over the old one, so a crash mid-write never leaves half a file.
 */

const bounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});

const settingsSchema = z.object({
  url: z.string().optional(),
  window: bounds.optional(),
});

export type DesktopSettings = z.infer<typeof settingsSchema>;
export type SavedBounds = z.infer<typeof bounds>;

export interface ReadSettings {
  settings: DesktopSettings;
  /** Why the file was not used, when it was there but unreadable. */
  problem: string | null;
}

export function readSettings(file: string): ReadSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {}, problem: null };
    return { settings: {}, problem: `${file} could not be read (${(error as Error).message}); using the defaults.` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { settings: {}, problem: `${file} is not JSON; using the defaults. Fix or delete it.` };
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      settings: {},
      problem: `${file}: ${first?.path.join('.') || 'the file'} ${first?.message ?? 'is not valid'}; using the defaults. Fix or delete it.`,
    };
  }
  return { settings: parsed.data, problem: null };
}

export function writeSettings(file: string, settings: DesktopSettings): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
