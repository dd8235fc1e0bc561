import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/*
 * The web app is a static export: the NestJS api serves `out/` at the same origin, so every
 * REST and Socket.IO call is a relative URL and there is no Node server of our own in
 * production. During `next dev` (port 3001) the same relative URLs are proxied to the api.
 */
// Next would try to "patch" the root lockfile over the network for SWC binaries of other
// platforms; the lockfile is the workspace's business, and this machine may be offline.
process.env.NEXT_IGNORE_INCORRECT_LOCKFILE ??= '1';

const apiOrigin = process.env.QC_API_ORIGIN ?? 'http://127.0.0.1:3000';

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  /** @type {import('next').NextConfig} */
  const config = {
    output: 'export',
    images: { unoptimized: true },
    reactStrictMode: true,
    poweredByHeader: false,
    // The api serves `/login` from `login.html`; no trailing-slash directories.
    trailingSlash: false,
    // Lint and typecheck are their own turbo tasks; the build should not repeat the lint.
    eslint: { ignoreDuringBuilds: true },
  };
  if (phase !== PHASE_DEVELOPMENT_SERVER) return config;
  return {
    ...config,
    output: undefined,
    async rewrites() {
      return [
        { source: '/api/:path*', destination: `${apiOrigin}/api/:path*` },
        { source: '/socket.io/:path*', destination: `${apiOrigin}/socket.io/:path*` },
      ];
    },
  };
}
