import { TerraformDataSource, TerraformResource, Token, type TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { ManagedTypes } from '../modules/bootstrap/deploy-permissions';

/**
 * What a stack manages, read from its constructs (no second resolution of the whole stack): its
 * resource and data source types, and the ARNs of the IAM roles it creates. A role whose name is
 * not known at synth cannot be scoped, so it is refused.
 */
export function managedTypes(stack: TerraformStack, account: string): ManagedTypes {
  const types = new Set<string>();
  const roles: string[] = [];
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformResource || c instanceof TerraformDataSource) types.add(c.terraformResourceType);
    if (c instanceof IamRole) {
      const name = c.nameInput;
      if (name === undefined || Token.isUnresolved(name))
        throw new Error(
          `role ${c.node.path} of stack ${stack.node.id} has no name known at synth; fix: give it a fixed name, so the deploy role can pass and change only the stack's own roles`,
        );
      roles.push(`arn:aws:iam::${account}:role/${name}`);
    }
  }
  return { types: [...types].sort(), roleArns: roles.sort() };
}
