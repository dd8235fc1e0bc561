import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { THEME_BOOT_SCRIPT } from '@/lib/theme';
import './styles/base.css';
import './styles/theme.css';
import './styles/auth.css';
import './styles/chat.css';
import './styles/dialog.css';
import './styles/markdown.css';
import './styles/your-data.css';
import './styles/navigation.css';
import './styles/search.css';
import './styles/details.css';
import './styles/attachments.css';
import './styles/admin.css';

export const metadata: Metadata = {
  title: 'Quantum Chat',
  description: 'Real-time chat: messages that never go missing or arrive out of order.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [{ media: '(prefers-color-scheme: dark)', color: '#121419' }, { color: '#1f2430' }],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script sets data-theme on <html> before React hydrates it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
