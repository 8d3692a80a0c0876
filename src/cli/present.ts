import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import QRCode from 'qrcode';
import { present, presentationQrText } from '../credentials/licence/present.js';
import { TongbanError } from '../errors.js';

async function readCredential(source: string): Promise<string> {
  if (source !== '-') return (await readFile(source, 'utf8')).trim();
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** A file holding either the bare SD-JWT or the JSON answer of POST /v1/licences ({"credential": …}). */
function credentialOf(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const value = JSON.parse(text) as { credential?: unknown };
    if (typeof value.credential === 'string') return value.credential;
  } catch {
    // fall through: not JSON after all
  }
  throw new TongbanError('INVALID_CREDENTIAL', 'the file is neither an SD-JWT nor JSON with a "credential"', 400);
}

interface PresentCliOptions {
  credential: string;
  disclose: string;
  qr?: boolean;
  holderKey?: string;
  nonce?: string;
  audience?: string;
}

/**
 * `tongban present`: the holder's side of selective disclosure. Reads a licence, keeps only the chosen
 * claims and prints the presentation (or its QR text and a terminal QR code with --qr). With
 * --holder-key, --nonce and --audience it adds a key-binding JWT for that verifier.
 */
export function presentCommand(): Command {
  return new Command('present')
    .description('make a presentation of a licence that discloses only the chosen claims')
    .requiredOption('--credential <file|->', 'the licence SD-JWT (or the JSON from POST /v1/licences); "-" reads stdin')
    .option('--disclose <claims>', 'comma-separated claim names or paths, e.g. companyName,address,holder.name', '')
    .option('--qr', 'print the QR text and draw the QR code in the terminal')
    .option('--holder-key <file>', 'holder private key (JWK JSON or PKCS#8 PEM) for key binding')
    .option('--nonce <nonce>', 'the nonce the verifier gave (key binding)')
    .option('--audience <aud>', 'the verifier identifier (key binding)')
    .action(async (options: PresentCliOptions) => {
      try {
        const credential = credentialOf(await readCredential(options.credential));
        const disclose = options.disclose.split(',').map((s) => s.trim()).filter(Boolean);
        let keyBinding;
        if (options.holderKey || options.nonce || options.audience) {
          if (!options.holderKey || !options.nonce || !options.audience) {
            throw new TongbanError('INVALID_KEY_BINDING', 'key binding needs --holder-key, --nonce and --audience together', 400);
          }
          const keyText = (await readFile(options.holderKey, 'utf8')).trim();
          const privateKey = keyText.startsWith('{') ? (JSON.parse(keyText) as JsonWebKey) : createPrivateKey(keyText);
          keyBinding = { privateKey, nonce: options.nonce, audience: options.audience };
        }
        const presentation = await present(credential, keyBinding ? { disclose, keyBinding } : { disclose });
        if (!options.qr) {
          process.stdout.write(`${presentation}\n`);
          return;
        }
        const qr = presentationQrText(presentation);
        process.stdout.write(`${qr}\n`);
        process.stdout.write(await QRCode.toString(qr, { type: 'terminal', small: true, errorCorrectionLevel: 'M' }));
      } catch (error) {
        const message = error instanceof TongbanError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
        process.stderr.write(`tongban present: ${message}\n`);
        process.exitCode = 1;
      }
    });
}
