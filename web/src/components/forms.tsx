// Form fields and mutation outcomes for the management pages, from the NL Design System's
// (Utrecht) CSS components: each field has its label, its description and its error linked to the
// control (aria-describedby), as the NL Design System asks of every form field.
import { useState, type ReactNode } from 'react';
import { useMutation, type AnyVariables, type TypedDocumentNode } from 'urql';
import { Alert, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../lib/i18n';
import { ErrorNotice, RefusalNotice, type Refusal } from './feedback';

export function Field({ id, label, description, error, children }: { id: string; label: string; description?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className={error ? 'utrecht-form-field utrecht-form-field--invalid' : 'utrecht-form-field'}>
      <div className="utrecht-form-field__label">
        <label className="utrecht-form-label" htmlFor={id}>
          {label}
        </label>
      </div>
      {description && (
        <div id={`${id}-description`} className="utrecht-form-field-description">
          {description}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="utrecht-form-field-error-message">
          {error}
        </div>
      )}
      <div className="utrecht-form-field__input">{children}</div>
    </div>
  );
}

/** The aria-describedby of a field's control: its description and its error, when shown. */
export function describedBy(id: string, opts: { description?: boolean; error?: boolean }): string | undefined {
  const ids = [opts.description && `${id}-description`, opts.error && `${id}-error`].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function TextInput({ id, value, onChange, type = 'text', required, invalid, describedBy: described, className }: { id: string; value: string; onChange: (v: string) => void; type?: string; required?: boolean; invalid?: boolean; describedBy?: string; className?: string }) {
  return (
    <input
      id={id}
      type={type}
      className={`utrecht-textbox utrecht-textbox--html-input ${className ?? ''}`.trim()}
      value={value}
      required={required}
      aria-required={required || undefined}
      aria-invalid={invalid || undefined}
      aria-describedby={described}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function SelectInput({ id, value, onChange, options, describedBy: described }: { id: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; describedBy?: string }) {
  return (
    <select id={id} className="utrecht-select utrecht-select--html-select wz-select" value={value} aria-describedby={described} onChange={(e) => onChange(e.target.value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function CheckboxField({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div className="utrecht-form-field utrecht-form-field--checkbox">
      <input id={id} type="checkbox" className="utrecht-checkbox utrecht-checkbox--html-input" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label className="utrecht-form-label utrecht-form-label--checkbox" htmlFor={id}>
        {label}
      </label>
    </div>
  );
}

const REFUSALS = new Set(['NotAllowed', 'NotFound', 'InvalidInput', 'InvalidState', 'RateLimited']);

/** A typed union result: the refusal it is, or null when it is the success type. */
export function refusalOf(result: { __typename?: string } | null | undefined): Refusal | null {
  return result?.__typename && REFUSALS.has(result.__typename) ? (result as Refusal) : null;
}

/**
 * A mutation whose answer is a union of a success type and refusals. The outcome (confirmation,
 * refusal or failure) stays until the user dismisses it or sends again; refusals are never
 * swallowed.
 */
export function useAction<Data, Variables extends AnyVariables, Result extends { __typename?: string }>(
  document: TypedDocumentNode<Data, Variables>,
  pick: (data: Data) => Result | null | undefined,
) {
  const [state, execute] = useMutation(document);
  const [dismissed, setDismissed] = useState(true);
  const result = state.data ? (pick(state.data) ?? null) : null;
  const refusal = refusalOf(result);
  return {
    fetching: state.fetching,
    error: dismissed ? null : (state.error ?? null),
    refusal: dismissed ? null : refusal,
    success: dismissed || refusal || !result ? null : result,
    run: async (variables: Variables) => {
      setDismissed(false);
      const answer = await execute(variables);
      return answer.data ? (pick(answer.data) ?? null) : null;
    },
    dismiss: () => setDismissed(true),
  };
}

/** The outcome of an action: the failure, the refusal, or the confirmation (with a close button). */
export function Outcome({ action, children, testId }: { action: { error: Error | null; refusal: Refusal | null; success: unknown; dismiss: () => void }; children?: ReactNode; testId?: string }) {
  const { t } = useI18n();
  return (
    <>
      <ErrorNotice error={action.error} />
      <RefusalNotice refusal={action.refusal} />
      {action.success != null && (
        <Alert type="ok">
          <div role="status" data-testid={testId}>
            {children}
          </div>
          <button type="button" className="utrecht-button utrecht-button--subtle" onClick={action.dismiss}>
            {t('dismiss')}
          </button>
        </Alert>
      )}
    </>
  );
}

export function Confirmation({ text }: { text: string }) {
  return <Paragraph>{text}</Paragraph>;
}
