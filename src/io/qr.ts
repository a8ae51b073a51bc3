import qrcode from 'qrcode-terminal';

/**
 * Draws `text` as a QR code with half-block characters (two modules per character row), which keeps an
 * otpauth URI under 60 columns — comfortably inside an 80-column terminal such as CloudShell's.
 */
export function renderQr(text: string): Promise<string> {
  return new Promise((resolve) => {
    qrcode.setErrorLevel('L');
    qrcode.generate(text, { small: true }, (drawing: string) => resolve(drawing));
  });
}
