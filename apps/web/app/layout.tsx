import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './styles/base.css';
import './styles/auth.css';
import './styles/chat.css';
import './styles/dialog.css';
import './styles/markdown.css';

export const metadata: Metadata = {
  title: 'Quantum Chat',
  description: 'Real-time chat: messages that never go missing or arrive out of order.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#1f2430',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
