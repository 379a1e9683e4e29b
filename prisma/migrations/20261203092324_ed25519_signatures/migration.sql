-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "previous_signature_scheme" VARCHAR(16) NOT NULL DEFAULT 'hmac',
ADD COLUMN     "public_key" VARCHAR(64),
ADD COLUMN     "signature_scheme" VARCHAR(16) NOT NULL DEFAULT 'hmac';
