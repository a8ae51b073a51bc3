export function hasMoto(): boolean;
export function startMoto(): Promise<{ url: string; stop: () => void }>;
