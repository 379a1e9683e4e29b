# Hookline api and worker (one image; the compose file picks the command).
#   docker build -t hookline .
#   docker run --env-file .env hookline                                              # api
#   docker run --env-file .env hookline node --max-old-space-size=512 dist/apps/worker/apps/worker/src/main.js  # worker

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Install scripts are skipped, as on the machines this is developed on: the build generates the
# Prisma client itself (npm run prisma:generate) and nothing else needs them.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
COPY --from=build /app/dist ./dist
# npm run db:migrate reads these.
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
