# Multi-stage build: compile with dev dependencies, run with production dependencies only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/var/lib/tongban/data KEYS_DIR=/var/lib/tongban/keys
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN groupadd --system tongban && useradd --system --gid tongban --home /var/lib/tongban tongban \
  && mkdir -p /var/lib/tongban/data /var/lib/tongban/keys && chown -R tongban:tongban /var/lib/tongban && chmod 700 /var/lib/tongban/keys
USER tongban
VOLUME ["/var/lib/tongban"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `npm start` would rebuild; the image is already built.
CMD ["node", "dist/src/main.js"]
