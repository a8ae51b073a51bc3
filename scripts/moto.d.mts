export function hasMoto(): boolean;
export function startMoto(): Promise<{ url: string; stop: () => void }>;
export function startEmulator(options?: {
  regions?: string[];
  onForwarded?: (exchange: { operation: string; status: number; started: number; ended: number }) => void;
}): Promise<{ url: string; motoUrl: string; stop: () => void }>;
