import { isHostedAvatar, type User } from '@qc/shared';

const HUES = [210, 260, 330, 20, 40, 150, 180, 290];

function hueFor(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i += 1) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return HUES[Math.abs(hash) % HUES.length]!;
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

/**
 * The person's picture when they uploaded one (served here), else their initials on a stable
 * colour. Decorative. A profile from before pictures were uploaded may still name another
 * site's: it is not loaded, so no reader's browser tells that site who is looking.
 */
export function Avatar({ user, size = 32 }: { user: Pick<User, 'id' | 'displayName' | 'avatarUrl'>; size?: number }) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (isHostedAvatar(user.avatarUrl)) {
    // A plain <img>: the picture is already sized and re-encoded when it was uploaded.
    return <img className="avatar" src={user.avatarUrl} alt="" style={style} />;
  }
  // 30% lightness keeps white initials at 4.5:1 or more on every hue (teal and green at 45% fell to 2.6:1).
  return (
    <span className="avatar avatar--initials" aria-hidden="true" style={{ ...style, background: `hsl(${hueFor(user.id)} 55% 30%)` }}>
      <bdi>{initials(user.displayName || '?')}</bdi>
    </span>
  );
}
