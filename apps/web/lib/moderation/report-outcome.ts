import type { MyReport } from '@qc/shared';

/**
 * What a reporter is told when their report is decided. Deliberately general, as Discord and
 * Slack do: it says a moderator acted, not what was done to whom.
 */
export function reportOutcomeNotice(report: Pick<MyReport, 'outcome'>): string {
  switch (report.outcome) {
    case 'actioned':
      return 'A moderator reviewed a message you reported and took action. Thank you for reporting it.';
    case 'dismissed':
      return 'A moderator reviewed a message you reported and found it within the rules.';
    default:
      return 'Your report is waiting for a moderator.';
  }
}
