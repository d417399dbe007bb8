# The gateway image: build the TypeScript once, run with production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY src/adapters/postgres/migrations ./src/adapters/postgres/migrations
# The web portal's templates and own static files are read at run time (src/adapters/paths.ts).
COPY src/adapters/web-portal/views ./src/adapters/web-portal/views
COPY wsdl ./wsdl
COPY xsd ./xsd
COPY catalog ./catalog
COPY config ./config
# The portal's documentation space renders the operators' reference and the kit's guide at start.
COPY docs/contract ./docs/contract
COPY docs/conformance.md ./docs/conformance.md
# The image carries the operators' conformance kit (docs/conformance.md): its runtime dependencies
# are production ones (docs/decisions/0013). Fail the build if that ever stops being true.
RUN npx esav-conformance --help >/dev/null
RUN mkdir -p /app/certs /app/data && chown node:node /app/certs /app/data
EXPOSE 8443 8445
USER node
CMD ["node", "dist/src/processes/gateway.js"]
