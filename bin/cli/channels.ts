import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { apiOf, callApi, segment, type Api, type ApiOptions } from './api.js';

/**
 * `oms channels show|set-secret`: a channel's configuration, and replacing the signing secret it
 * signs its orders with (Secrets Manager in AWS, the local secret store locally). The secret is
 * read from a file or from OMS_CHANNEL_SECRET, never from the command line (shell history, ps),
 * and the API never returns it.
 */
export async function showChannel(api: Api, channelId: string): Promise<unknown> {
  return callApi(api, 'GET', `/v1/channels/${segment(channelId)}`);
}

export async function setChannelSecret(
  api: Api,
  channelId: string,
  secret: string,
): Promise<{ channelId: string; secretStored: true }> {
  await callApi(api, 'PUT', `/v1/channels/${segment(channelId)}/secret`, { secret });
  return { channelId, secretStored: true };
}

async function secretOf(options: { secretFile?: string }): Promise<string> {
  const secret = options.secretFile
    ? (await readFile(options.secretFile, 'utf8')).replace(/\r?\n$/, '')
    : process.env.OMS_CHANNEL_SECRET;
  if (!secret) throw new Error('Give the secret in a file (--secret-file) or in OMS_CHANNEL_SECRET.');
  return secret;
}

export function addChannelsCommands(program: Command, print: (result: unknown) => void): void {
  const channels = program.command('channels').description('sales channels and their signing secrets');
  const api = () => apiOf(program.opts<ApiOptions>());
  channels
    .command('show <channelId>')
    .description("a channel's configuration (its format, whether it is active, where its secret is)")
    .action(async (channelId: string) => print(await showChannel(await api(), channelId)));
  channels
    .command('set-secret <channelId>')
    .description(
      "replace the secret the channel signs its orders with (the channel's own setting must match)",
    )
    .option('--secret-file <file>', 'a file holding the secret (default: OMS_CHANNEL_SECRET)')
    .action(async (channelId: string, options: { secretFile?: string }) =>
      print(await setChannelSecret(await api(), channelId, await secretOf(options))),
    );
}
