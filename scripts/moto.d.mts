export function hasMoto(): boolean;
export function startMoto(): Promise<{ url: string; stop: () => void }>;
export function startEmulator(options?: {
  regions?: string[];
  onForwarded?: (exchange: { operation: string; status: number; started: number; ended: number }) => void;
  onRequest?: (call: { service: string; operation: string; userAgent: string; rootSession: boolean }) => void;
}): Promise<{ url: string; motoUrl: string; stop: () => void }>;
