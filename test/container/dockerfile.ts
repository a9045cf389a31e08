import { readFile } from 'node:fs/promises';

/** The runtime stage of the Dockerfile, as far as the replay needs it. */
export interface RuntimeStage {
  env: Record<string, string>;
  user: string | null;
  workdir: string | null;
  entrypoint: string[];
  cmd: string[];
  volumes: string[];
}

export interface ParsedDockerfile {
  /** Every RUN of every stage, continuation lines joined. */
  runs: string[];
  runtime: RuntimeStage;
}

/**
 * Reads the instructions the replay must honour from the last stage of the
 * Dockerfile, so a change there (a new ENV, another entrypoint) changes the
 * test too. Only the forms this Dockerfile uses are understood: `ENV K=V …`,
 * JSON-array ENTRYPOINT/CMD/VOLUME, plain USER and WORKDIR.
 */
export async function readDockerfile(path: string): Promise<ParsedDockerfile> {
  const text = await readFile(path, 'utf8');
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const runs: string[] = [];
  let runtime = emptyStage();
  for (const line of instructions) {
    const [keyword = '', ...restWords] = line.split(/\s+/);
    const rest = restWords.join(' ');
    switch (keyword.toUpperCase()) {
      case 'FROM':
        runtime = emptyStage();
        break;
      case 'RUN':
        runs.push(rest);
        break;
      case 'ENV':
        for (const pair of restWords) {
          const eq = pair.indexOf('=');
          if (eq <= 0) throw new Error(`ENV form not understood: ${line}`);
          runtime.env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        }
        break;
      case 'USER':
        runtime.user = rest;
        break;
      case 'WORKDIR':
        runtime.workdir = rest;
        break;
      case 'ENTRYPOINT':
        runtime.entrypoint = JSON.parse(rest) as string[];
        break;
      case 'CMD':
        runtime.cmd = JSON.parse(rest) as string[];
        break;
      case 'VOLUME':
        runtime.volumes = JSON.parse(rest) as string[];
        break;
    }
  }
  return { runs, runtime };
}

function emptyStage(): RuntimeStage {
  return { env: {}, user: null, workdir: null, entrypoint: [], cmd: [], volumes: [] };
}
