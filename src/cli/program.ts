import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import QRCode from 'qrcode';
import { verifyAuditChain } from '../audit/audit-log.js';
import { createClient } from '../clients/clients.js';
import { SCOPES } from '../clients/scopes.js';
import { loadConfig } from '../config/config.js';
import { FileKeyStore } from '../crypto/file-key-store.js';
import { ROTATABLE_KEYS, rotateKey } from '../trust/key-rotation.js';
import { callNode, reachNode } from './node-access.js';
import { presentCommand } from './present.js';

/** The `tongban` command line; `env` is the environment it configures itself from. */
export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('tongban').description('Tongban trust service: administration from the command line (reads the same environment as the node)');

  const client = program.command('client').description('API clients');
  client
    .command('create')
    .description('create an API client and print its token (shown once)')
    .requiredOption('--scopes <list>', `comma-separated scopes: ${SCOPES.join(', ')}`)
    .option('--name <name>', 'who the client is, e.g. "Guangzhou service hall"', 'api client')
    .action(async (options: { scopes: string; name: string }) => {
      const request = { name: options.name, scopes: options.scopes.split(',').map((s) => s.trim()).filter(Boolean) };
      const access = await reachNode(loadConfig(env));
      if (access.kind === 'http') {
        console.log(JSON.stringify(await callNode(access, 'POST', '/v1/clients', request), null, 2));
        return;
      }
      try {
        console.log(JSON.stringify(await createClient(access.database.knex, request, 'cli'), null, 2));
      } finally {
        await access.database.close();
      }
    });

  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('re-walk the audit chain and name the first broken link; exits 1 when broken')
    .action(async () => {
      const access = await reachNode(loadConfig(env));
      let result: unknown;
      if (access.kind === 'http') result = await callNode(access, 'GET', '/v1/audit/verify');
      else {
        try {
          result = await verifyAuditChain(access.database.knex);
        } finally {
          await access.database.close();
        }
      }
      console.log(JSON.stringify(result, null, 2));
      if (!(result as { ok: boolean }).ok) process.exitCode = 1;
    });

  program
    .command('qr')
    .description('render QR text (e.g. a health code\'s "qr") as an image')
    .argument('<text>', 'the QR text')
    .addOption(new Option('--format <format>', 'image format').choices(['svg', 'png', 'terminal']).default('terminal'))
    .option('--out <file>', 'write the image to this file')
    .action(async (text: string, options: { format: 'svg' | 'png' | 'terminal'; out?: string }) => {
      if (options.format === 'png') {
        const png = await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', margin: 2 });
        if (!options.out) throw new Error('--out is required for PNG');
        await writeFile(options.out, png);
        return;
      }
      const image = await QRCode.toString(text, { errorCorrectionLevel: 'M', type: options.format === 'svg' ? 'svg' : 'terminal', small: true });
      if (options.out) await writeFile(options.out, image);
      else console.log(image);
    });

  program
    .command('keys')
    .description('region keys')
    .command('rotate')
    .description(`rotate a key with every node of the region stopped: ${Object.keys(ROTATABLE_KEYS).join(', ')}`)
    .argument('<key>', 'the key to rotate')
    .action(async (key: string) => {
      const config = loadConfig(env);
      const access = await reachNode(config);
      if (access.kind === 'http') throw new Error(`a node answers at ${access.url}: stop every node of the region before rotating keys`);
      try {
        const store = new FileKeyStore(config.keysDir, config.keysPassphrase);
        console.log(JSON.stringify(await rotateKey(store, access.database.knex, config.region, key, 'cli'), null, 2));
      } finally {
        await access.database.close();
      }
    });

  program.addCommand(presentCommand());
  return program;
}
