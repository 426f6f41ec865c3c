/**
 * What the relay's container image is made of, read from the Dockerfile, .dockerignore and
 * docker-compose.yml as Docker reads them (dockerfile-ast, yaml). Base images cannot be pulled here,
 * so the tests check these claims and run the image's entry point and health check on the
 * production tree outside a container.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { Copy, Env, Instruction } from 'dockerfile-ast';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../testkit/paths';

export interface Stage {
  name: string | null;
  instructions: Instruction[];
}

export interface ContainerImage {
  stages: Stage[];
  runtime: Stage;
  /** Exec-form arrays of the runtime stage. */
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  env: Record<string, string>;
  user: string | null;
  volumes: string[];
  /** Sources of COPY instructions without --from, i.e. what comes from the build context. */
  contextCopies: string[];
  /** Stages the runtime stage copies from. */
  copiedFromStages: string[];
}

const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());
const execForm = (text: string): string[] => JSON.parse(text) as string[];

export function readContainerImage(file = path.join(REPO_ROOT, 'Dockerfile')): ContainerImage {
  const dockerfile = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line);
      stages.push({ name: from?.getBuildStage() ?? null, instructions: [] });
    } else if (stages.length) stages.at(-1)!.instructions.push(instruction);
  }
  const runtime = stages.at(-1);
  if (!runtime) throw new Error('the Dockerfile has no FROM');
  const last = (keyword: string) => runtime.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
  const healthcheck = last('HEALTHCHECK')?.getArgumentsContent() ?? '';
  const env: Record<string, string> = {};
  for (const instruction of runtime.instructions.filter((i) => i.getKeyword() === 'ENV'))
    for (const property of (instruction as Env).getProperties())
      env[property.getName()] = property.getValue() ?? '';
  const copies = stages.flatMap((s) => s.instructions.filter((i): i is Copy => i.getKeyword() === 'COPY'));
  return {
    stages,
    runtime,
    entrypoint: execForm(last('ENTRYPOINT')?.getArgumentsContent() ?? '[]'),
    cmd: execForm(last('CMD')?.getArgumentsContent() ?? '[]'),
    healthcheck: execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim() || '[]'),
    env,
    user: last('USER') ? (args(last('USER')!)[0] ?? null) : null,
    volumes: runtime.instructions
      .filter((i) => i.getKeyword() === 'VOLUME')
      .flatMap((i) => {
        const text = i.getArgumentsContent() ?? '';
        return text.trim().startsWith('[') ? execForm(text) : args(i);
      }),
    contextCopies: copies.filter((c) => !c.getFromFlag()).flatMap((c) => args(c).slice(0, -1)),
    copiedFromStages: runtime.instructions
      .filter((i): i is Copy => i.getKeyword() === 'COPY')
      .map((c) => c.getFromFlag()?.getValue())
      .filter((v): v is string => Boolean(v)),
  };
}

export function readDockerignore(file = path.join(REPO_ROOT, '.dockerignore')): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

export interface ComposeService {
  build?: string | { context: string };
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
}

export function readCompose(file = path.join(REPO_ROOT, 'docker-compose.yml')): {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
} {
  return parseYaml(readFileSync(file, 'utf8')) as {
    services: Record<string, ComposeService>;
    volumes?: Record<string, unknown>;
  };
}
