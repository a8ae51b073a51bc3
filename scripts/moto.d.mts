export function hasMoto(): boolean;
export function startMoto(): Promise<{ url: string; stop: () => void }>;
export function startEmulator(options?: {
  regions?: string[];
  onForwarded?: (exchange: { operation: string; status: number; started: number; ended: number }) => void;
  onRequest?: (call: { service: string; operation: string; userAgent: string; rootSession: boolean }) => void;
  /** Every answer is held this long first (a far-away AWS, for npm run bench). */
  latencyMs?: number;
}): Promise<{ url: string; motoUrl: string; stop: () => void }>;
