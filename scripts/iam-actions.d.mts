export const OUTPUT: string;
export function renderIamActions(): string;
