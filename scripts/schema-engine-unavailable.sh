#!/bin/sh
# Stand-in for Prisma's schema-engine binary, which cannot be downloaded on offline machines.
# `prisma generate` only needs the path to exist; migrations are applied by `npm run db:migrate`.
echo "Prisma's schema engine is not available here: apply migrations with 'npm run db:migrate'." >&2
exit 1
