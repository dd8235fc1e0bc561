'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { wordRuleBody, type RuleTestResult, type WordRule, type WordRuleAction, type WordRuleKind } from '@qc/shared';
import { api } from '@/lib/api';
import { SpamRulesForm } from './spam-rules-form';
import { FormError } from '../form-error';

/** The instance's word rules: the list, a new rule, and "test this text" against them. */
export function WordRulesPanel() {
  const id = useId();
  const [rules, setRules] = useState<WordRule[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<WordRuleKind>('words');
  const [pattern, setPattern] = useState('');
  const [action, setAction] = useState<WordRuleAction>('block');
  const [sample, setSample] = useState('');
  const [tested, setTested] = useState<RuleTestResult | null>(null);

  const reload = useCallback(async () => {
    try {
      setRules(await api.instanceRules());
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not read the rules.');
    }
  }, []);
  useEffect(() => void reload(), [reload]);

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = wordRuleBody.safeParse({ name, kind, pattern, action });
    if (!parsed.success) return setError('Give the rule a name and at least one word or a pattern.');
    try {
      await api.createInstanceRule(parsed.data);
      setName('');
      setPattern('');
      setError(null);
      await reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not add the rule.');
    }
  };

  const onTest = async (e: FormEvent) => {
    e.preventDefault();
    try {
      setTested(await api.testRules({ text: sample }));
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not test.');
    }
  };

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Word and spam rules</h2>
      <p className="muted">
        Every room follows these; a room&apos;s admins can add its own. Blocked messages are refused and the sender told which rule; flagged
        ones are delivered and noted in the audit log.
      </p>
      <FormError error={error} />
      <ul className="admin__rules">
        {rules.map((r) => (
          <li key={r.id} className="admin__rule" data-testid="word-rule">
            <span className="admin__rule-name">
              <bdi>{r.name}</bdi>
            </span>
            <span className={`role-tag${r.action === 'block' ? ' role-tag--owner' : ''}`}>{r.action}</span>
            <code className="admin__rule-pattern">
              {r.kind === 'words'
                ? r.pattern
                    .split(/[,\n]/)
                    .map((w) => w.trim())
                    .filter(Boolean)
                    .join(', ')
                : `/${r.pattern}/`}
            </code>
            <button
              type="button"
              className="button button--small button--ghost"
              aria-label={`Delete the rule ${r.name}`}
              onClick={() =>
                void api
                  .deleteInstanceRule(r.id)
                  .then(reload, (err: unknown) => setError(err instanceof Error ? err.message : 'Could not delete.'))
              }
            >
              Delete
            </button>
          </li>
        ))}
        {rules.length === 0 && <li className="muted">No rules yet.</li>}
      </ul>

      <form className="form admin__rule-form" onSubmit={onCreate} aria-labelledby={`${id}-new`}>
        <h3 id={`${id}-new`}>New rule</h3>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} className="input" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} className="input" value={kind} onChange={(e) => setKind(e.target.value as WordRuleKind)}>
            <option value="words">Words (whole words, any case)</option>
            <option value="pattern">Pattern (regular expression)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-pattern`}>{kind === 'words' ? 'Words, separated by commas' : 'Pattern'}</label>
          <textarea
            id={`${id}-pattern`}
            className="input"
            rows={2}
            maxLength={2000}
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-action`}>What it does</label>
          <select id={`${id}-action`} className="input" value={action} onChange={(e) => setAction(e.target.value as WordRuleAction)}>
            <option value="block">Block the message</option>
            <option value="flag">Deliver it and flag it</option>
          </select>
        </div>
        <div className="form__actions form__actions--start">
          <button type="submit" className="button button--primary">
            Add rule
          </button>
        </div>
      </form>

      <form className="form admin__rule-form" onSubmit={onTest} aria-labelledby={`${id}-test`}>
        <h3 id={`${id}-test`}>Test this text</h3>
        <div className="field">
          <label htmlFor={`${id}-sample`}>Text</label>
          <textarea id={`${id}-sample`} className="input" rows={2} value={sample} onChange={(e) => setSample(e.target.value)} />
        </div>
        <div className="form__actions form__actions--start">
          <button type="submit" className="button">
            Test
          </button>
        </div>
        {tested && (
          <p role="status" data-testid="rule-test-result">
            {tested.matches.length === 0
              ? 'It passes every rule.'
              : tested.matches
                  .map((m) => `${m.action === 'block' ? 'Blocked' : 'Flagged'} by "${m.name}" (matched "${m.matched}")`)
                  .join('; ')}
          </p>
        )}
      </form>

      <SpamRulesForm />
    </section>
  );
}
