// Placeholder until this component lands: it refuses to start rather than pretend to run.
export async function main(_argv: string[]): Promise<void> {
  throw new Error('controller-manager is not implemented yet');
}
