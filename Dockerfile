# syntax=docker/dockerfile:1
#
# c1-credential-hygiene: audits ConductorOne personal API keys.
#
#   docker build -t c1-credential-hygiene .
#   docker run --rm --read-only --tmpfs /tmp --init --env-file c1.env \
#     -v c1-reports:/reports -v c1-state:/state c1-credential-hygiene           # schedule (default)
#   docker run ... c1-credential-hygiene audit --fail-on high                   # one audit
#   docker run ... -v "$PWD/config.json:/etc/c1-hygiene/config.json:ro" \
#     c1-credential-hygiene schedule --config /etc/c1-hygiene/config.json
#
# Environment (secrets only ever through env or *_FILE, never baked in):
#   C1_CLIENT_ID, C1_CLIENT_SECRET or C1_CLIENT_SECRET_FILE   personal API key
#   C1_ACCESS_TOKEN or C1_ACCESS_TOKEN_FILE                   a ready bearer token instead
#   C1_API_URL                                                base URL (default from the client ID)
#   SMTP_URL, ALERT_EMAIL_TO, ALERT_EMAIL_FROM                email alerts (SMTP_URL holds credentials)
#   AUDIT_CRON, AUDIT_TIMEZONE                                schedule (default "0 7 * * *", UTC)
#   REPORT_DIR=/reports, STATE_DIR=/state                     set here; both are volumes
#   LOG_LEVEL                                                 pino level (JSON logs on stderr)
# The /healthz and /metrics listener is off unless the config sets schedule.healthPort.
#
# The build steps live in scripts/container-build.sh; test/container/replay.test.ts
# runs the same script and the same runtime settings outside Docker.

# Node.js 24 is the Active LTS line; pin the patch release for repeatable builds.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm \
    sh ./scripts/container-build.sh /src /app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    REPORT_DIR=/reports \
    STATE_DIR=/state
# The code belongs to root and is read-only for the service user; the only
# writable places are the two volumes (and /tmp, which nothing uses by design).
COPY --from=build /app /app
RUN mkdir -p /reports /state \
 && chown node:node /reports /state \
 && chmod -R a-w /app
WORKDIR /app
# The image's unprivileged "node" user (uid/gid 1000).
USER node
VOLUME ["/reports", "/state"]
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["schedule"]
