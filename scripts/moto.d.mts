export function hasMoto(): boolean;
export function startMoto(): Promise<{ url: string; stop: () => void }>;
export function startEmulator(options?: { regions?: string[] }): Promise<{ url: string; motoUrl: string; stop: () => void }>;
