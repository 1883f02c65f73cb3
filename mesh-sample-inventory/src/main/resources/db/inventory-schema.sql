-- The inventory's tables, shared by all its instances (spring.sql.init runs this at every start, so it
-- only creates what is missing; the data of an earlier start stays).

-- Units available per SKU. The check is the last line of defence against overselling: a reservation
-- takes units with one conditional UPDATE, so two instances can never both take the last unit.
CREATE TABLE IF NOT EXISTS stock (
    sku VARCHAR(100) PRIMARY KEY,
    available INTEGER NOT NULL CHECK (available >= 0)
);

-- Reservations. The unique idempotency_key is what makes a retried POST safe across instances: the
-- first instance to insert a key wins, the others find its row (NULL keys do not collide).
CREATE TABLE IF NOT EXISTS reservation (
    reservation_id VARCHAR(36) PRIMARY KEY,
    idempotency_key VARCHAR(255) UNIQUE,
    order_id VARCHAR(100) NOT NULL,
    sku VARCHAR(100) NOT NULL,
    quantity INTEGER NOT NULL,
    instance_id VARCHAR(1000) NOT NULL,
    caller VARCHAR(1000)
);
