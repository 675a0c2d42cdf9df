import type { TerraformStack } from 'cdktf';
import type { ManagedTypes } from '../modules/bootstrap/deploy-permissions';

interface StackJson {
  readonly resource?: Record<string, Record<string, { readonly name?: unknown }>>;
  readonly data?: Record<string, unknown>;
}

/**
 * What a stack manages, read from its Terraform JSON (tokens resolved, as synth writes it): its
 * resource and data source types, and the ARNs of the IAM roles it creates. A role whose name is
 * not known at synth cannot be scoped, so it is refused.
 */
export function managedTypes(stack: TerraformStack, account: string): ManagedTypes {
  const json = stack.toTerraform() as StackJson;
  const roles = Object.entries(json.resource?.aws_iam_role ?? {}).map(([id, r]) => {
    if (typeof r.name !== 'string' || r.name.includes('${'))
      throw new Error(
        `role ${id} of stack ${stack.node.id} has no name known at synth; fix: give it a fixed name, so the deploy role can pass and change only the stack's own roles`,
      );
    return `arn:aws:iam::${account}:role/${r.name}`;
  });
  return {
    types: [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})].sort(),
    roleArns: roles.sort(),
  };
}
