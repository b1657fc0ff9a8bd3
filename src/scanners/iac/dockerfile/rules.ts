import type { RuleDef } from '../common.js';

const sc = (id: string, title: string, severity: RuleDef['severity'], help: string, cwe?: string): RuleDef => ({
  id,
  title,
  severity,
  help,
  ...(cwe ? { cwe: [cwe] } : {}),
});

/** Every Dockerfile rule. */
export const DOCKER_RULES: RuleDef[] = [
  sc('docker-no-user', 'Final stage runs as root (no USER)', 'medium', 'The final stage never sets USER, so the container runs as root. Add `USER <non-root>` after installing packages.', 'CWE-250'),
  sc('docker-user-root', 'USER is root', 'medium', 'The last USER of the final stage is root (or uid 0). Switch to an unprivileged user before CMD/ENTRYPOINT.', 'CWE-250'),
  sc('docker-base-latest', 'Base image uses :latest', 'medium', 'A `latest` base image changes under you. Pin a version tag and, better, a digest.', 'CWE-1357'),
  sc('docker-base-untagged', 'Base image has no tag', 'medium', 'An untagged base image means `latest`. Pin a version tag and a digest.', 'CWE-1357'),
  sc('docker-base-no-digest', 'Base image not pinned by digest', 'low', 'A tag can be moved to other content. Pin `image:tag@sha256:...` for reproducible, tamper-evident builds.', 'CWE-1357'),
  sc('docker-add-url', 'ADD downloads from a URL', 'medium', 'ADD from a URL fetches unverified remote content. Use `ADD --checksum=sha256:...` or download and verify in RUN.', 'CWE-494'),
  sc('docker-add-local-file', 'ADD used for a local file', 'low', 'ADD auto-extracts archives and fetches URLs; for plain local files use COPY.'),
  sc('docker-secret-env', 'Secret in ENV', 'high', 'ENV values are stored in the image config and visible to anyone who pulls it. Use build secrets (`RUN --mount=type=secret`) or runtime secrets.', 'CWE-538'),
  sc('docker-secret-arg', 'Secret passed as build ARG', 'high', 'Build args are recorded in the image history. Use `RUN --mount=type=secret` instead.', 'CWE-538'),
  sc('docker-copy-secret-file', 'Secret file copied into the image', 'high', 'Private keys, .env files and credential files copied into a layer stay there forever. Use build secrets or mount them at runtime.', 'CWE-538'),
  sc('docker-curl-pipe-shell', 'Remote script piped to a shell', 'high', 'Piping a download into a shell runs unverified code. Download, verify a checksum or signature, then run.', 'CWE-494'),
  sc('docker-missing-healthcheck', 'No HEALTHCHECK', 'low', 'The final stage has no HEALTHCHECK, so orchestrators cannot tell a hung container from a healthy one.'),
  sc('docker-apt-unpinned', 'apt package not pinned', 'low', 'Pin apt packages (`pkg=1.2.3-1`) so builds are reproducible.', 'CWE-1357'),
  sc('docker-apt-no-recommends', 'apt install without --no-install-recommends', 'low', 'Recommended packages enlarge the attack surface. Add `--no-install-recommends`.'),
  sc('docker-apt-no-cleanup', 'apt lists not removed', 'low', 'Remove `/var/lib/apt/lists/*` in the same RUN as `apt-get install` to keep stale package indexes out of the image.'),
  sc('docker-apt-upgrade', 'apt upgrade in a build', 'low', 'Upgrading all packages in a Dockerfile is not reproducible; use a newer base image instead.'),
  sc('docker-apk-unpinned', 'apk package not pinned', 'low', 'Pin apk packages (`pkg=1.2.3-r0`) so builds are reproducible.', 'CWE-1357'),
  sc('docker-apk-no-cache', 'apk add without --no-cache', 'low', 'Use `apk add --no-cache` so the package index is not kept in the image.'),
  sc('docker-yum-no-cleanup', 'yum/dnf cache not cleaned', 'low', 'Run `yum clean all` (or `dnf clean all`) in the same RUN as the install.'),
  sc('docker-pip-unpinned', 'pip package not pinned', 'medium', 'Pin pip packages (`pkg==1.2.3`) or install from a hashed requirements file.', 'CWE-1357'),
  sc('docker-pip-no-cache-dir', 'pip install without --no-cache-dir', 'low', 'Use `--no-cache-dir` so the pip cache is not kept in the image.'),
  sc('docker-npm-global-unpinned', 'Global npm package not pinned', 'medium', 'Pin globally installed npm packages (`npm install -g pkg@1.2.3`).', 'CWE-1357'),
  sc('docker-gem-unpinned', 'gem not pinned', 'low', 'Pin gems with `gem install pkg -v 1.2.3`.', 'CWE-1357'),
  sc('docker-go-install-latest', 'go install @latest', 'medium', '`go install pkg@latest` fetches whatever is newest. Pin a version.', 'CWE-1357'),
  sc('docker-sudo', 'sudo in RUN', 'medium', 'RUN already runs as the build user; sudo has unpredictable TTY and signal behaviour and suggests the image ships sudo. Switch USER instead.', 'CWE-250'),
  sc('docker-expose-ssh', 'SSH port exposed', 'medium', 'EXPOSE 22 suggests an SSH daemon in the container. Use `docker exec`/`kubectl exec` instead.', 'CWE-284'),
  sc('docker-chmod-world-writable', 'World-writable permissions', 'medium', '`chmod 777` (or o+w) makes files writable by any user in the container.', 'CWE-732'),
  sc('docker-tls-verify-disabled', 'TLS verification disabled', 'high', '`curl -k`, `wget --no-check-certificate`, `pip --trusted-host` or `strict-ssl false` disable certificate checks for downloads.', 'CWE-295'),
  sc('docker-pkg-unauthenticated', 'Unauthenticated packages allowed', 'high', '`--allow-unauthenticated`, `--force-yes`, `--nogpgcheck` or `--allow-untrusted` install packages whose signatures were not checked.', 'CWE-347'),
  sc('docker-url-credentials', 'Credentials in a URL', 'high', 'A URL with `user:password@` stores the password in the image history. Use build secrets.', 'CWE-798'),
];
