/** qrcode-terminal's vendored QR encoder (Kazuhiko Arase's, MIT): the part of it this tool uses. */
declare module 'qrcode-terminal/vendor/QRCode/index.js' {
  export default class QRCode {
    /** typeNumber < 1: the smallest version that holds the data. */
    constructor(typeNumber: number, errorCorrectLevel: number);
    addData(data: string): void;
    make(): void;
    getModuleCount(): number;
    isDark(row: number, col: number): boolean;
  }
}
declare module 'qrcode-terminal/vendor/QRCode/QRErrorCorrectLevel.js' {
  const levels: { L: number; M: number; Q: number; H: number };
  export default levels;
}
