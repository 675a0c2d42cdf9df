/** One construct-props rule: `fails` says whether props break it, `message` says how (lowercase, value received and what is allowed). */
export interface ValidationRule<P> {
  readonly fails: (props: P) => boolean;
  readonly message: (props: P) => string;
}

/** Checks props against a rule table; throws one error listing every broken rule. */
export function validateProps<P>(construct: string, props: P, rules: readonly ValidationRule<P>[]): void {
  const messages = rules.filter((r) => r.fails(props)).map((r) => r.message(props));
  if (messages.length) throw new Error(`${construct}: ${messages.join('; ')}`);
}
