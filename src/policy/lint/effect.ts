// Effect must be exactly "Allow" or "Deny"; say what was meant when it is close.
import { forgivingEffect, q, type LintContext } from './document.js';

export function checkEffect(ctx: LintContext): void {
  for (const st of ctx.statements) {
    const effect = st.effect;
    if (!effect || effect.value === 'Allow' || effect.value === 'Deny') continue;
    const meant = forgivingEffect(effect.value);
    const hint = meant
      ? `; did you mean "${meant}"? (Effect is case-sensitive and cannot contain spaces)`
      : '; use "Allow" or "Deny"';
    ctx.report('effect-invalid', effect.path, `Effect ${q(effect.value)} is not valid${hint}`);
  }
}
