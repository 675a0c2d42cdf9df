/**
 * Instance families with local NVMe instance storage. SageMaker refuses `KmsKeyId` on an endpoint
 * configuration for these (CreateEndpointConfig fails): their storage volumes are encrypted by the
 * hardware instead (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html,
 * `KmsKeyId`). Extend the table when a new family is used.
 */
const NVME_FAMILIES = new Set([
  'c5d',
  'm5d',
  'r5d',
  'g4dn',
  'g5',
  'g6',
  'g6e',
  'p3dn',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'trn1',
  'trn1n',
]);

/** `ml.g5.2xlarge` → `g5`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[1] ?? instanceType;
}

/** Whether a customer managed key may encrypt the endpoint's storage volume for this instance type. */
export function supportsVolumeKmsKey(instanceType: string): boolean {
  return !NVME_FAMILIES.has(instanceFamily(instanceType));
}
