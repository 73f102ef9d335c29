export function timeFactorFor(env?: NodeJS.ProcessEnv): number;
