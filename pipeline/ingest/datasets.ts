/** The three input datasets, as the data contract describes them. */
export type DatasetName = 'Orders' | 'Deliveries' | 'Customers';

/** The contract's value types: integer (`3`), whole number (`3` or `3.0`), decimal, timestamp. */
export type ValueType = 'integer' | 'whole' | 'decimal' | 'timestamp';

export interface DatasetSpec {
  name: DatasetName;
  /** Drop folder below the data dir. */
  folder: string;
  /** How the dataset's text files are read; `.parquet` files of any dataset are read as Parquet. */
  format: 'csv' | 'json';
  /** File name endings read from the drop folder. */
  extensions: string[];
  /** Key column after normalisation. */
  key: string;
  /** Columns every file must have (after normalisation and aliases). */
  required: string[];
  /** Known columns (typed by the staging SQL), required first. */
  known: string[];
  /**
   * The contract type of each typed known column (docs/contract.md, "Exact
   * values"); the other columns are text. Every reader hands values to the
   * staging SQL as text, which checks them against the type's grammar (macros
   * of sql/migrations/V004__exact_values.sql) before it casts them.
   */
  types: Record<string, ValueType>;
  /** Normalised, lower-cased name -> canonical name (aliases and renames). */
  aliases: Record<string, string>;
  rawTable: string;
  stateTable: string;
  stagingSql: string;
  stateSql: string;
  /** Name of the temp relation holding the keys a batch touched. */
  changedKeys: string;
}

export const DATASETS: Record<DatasetName, DatasetSpec> = {
  Orders: {
    name: 'Orders',
    folder: 'Orders',
    format: 'csv',
    extensions: ['.csv', '.csv.gz', '.parquet'],
    key: 'Order_ID',
    required: ['Order_ID', 'Customer_ID', 'Order_Time', 'SKU', 'Quantity', 'Order_Total'],
    known: [
      'Order_ID', 'Customer_ID', 'Order_Time', 'SKU', 'Quantity', 'Order_Total',
      'Order_Discount', 'Order_Tip', 'Payment_Method',
    ],
    types: {
      Customer_ID: 'integer', Order_Time: 'timestamp', Quantity: 'whole', Order_Total: 'decimal',
      Order_Discount: 'decimal', Order_Tip: 'decimal',
    },
    aliases: { discount: 'Order_Discount', tip: 'Order_Tip' },
    rawTable: 'raw_orders',
    stateTable: 'cur_orders',
    stagingSql: 'staging/stg_orders.sql',
    stateSql: 'state/cur_orders.sql',
    changedKeys: 'changed_orders',
  },
  Deliveries: {
    name: 'Deliveries',
    folder: 'Deliveries',
    format: 'csv',
    extensions: ['.csv', '.csv.gz', '.parquet'],
    key: 'Order_ID',
    required: ['Order_ID', 'Distance_m'],
    known: ['Order_ID', 'Distance_m', 'Delivery_Time', 'Driver_ID', 'Delivery_Status', 'Discount', 'Tip'],
    types: { Distance_m: 'decimal', Discount: 'decimal', Tip: 'decimal' },
    aliases: { 'distance(m)': 'Distance_m', 'distance_(m)': 'Distance_m', distance_m: 'Distance_m' },
    rawTable: 'raw_deliveries',
    stateTable: 'cur_deliveries',
    stagingSql: 'staging/stg_deliveries.sql',
    stateSql: 'state/cur_deliveries.sql',
    changedKeys: 'changed_deliveries',
  },
  Customers: {
    name: 'Customers',
    folder: 'Customers',
    format: 'json',
    extensions: ['.json', '.ndjson', '.json.gz', '.ndjson.gz', '.parquet'],
    key: 'Customer_ID',
    required: ['Customer_ID'],
    known: ['Customer_ID', 'Customer_Name', 'Market', 'Signup_Date', 'Number_of_Employees'],
    types: { Customer_ID: 'integer', Number_of_Employees: 'whole' },
    aliases: {},
    rawTable: 'raw_customers',
    stateTable: 'cur_customers',
    stagingSql: 'staging/stg_customers.sql',
    stateSql: 'state/cur_customers.sql',
    changedKeys: 'changed_customers',
  },
};

export const DATASET_LIST: DatasetSpec[] = [DATASETS.Orders, DATASETS.Deliveries, DATASETS.Customers];

export type FileFormat = 'csv' | 'json' | 'parquet';

/** How one dropped file is read: Parquet by its extension, otherwise the dataset's text format. */
export function fileFormat(spec: DatasetSpec, fileName: string): FileFormat {
  return fileName.toLowerCase().endsWith('.parquet') ? 'parquet' : spec.format;
}

/** The SQL macro (sql/migrations/V002__lineage.sql) that turns a key's text into the dataset's key value. */
export function keyParser(spec: DatasetSpec): string {
  return spec.key === 'Order_ID' ? 'parse_order_id' : 'parse_customer_id';
}

/**
 * Columns the pipeline stores beside a file's columns in the raw tables
 * (sql/migrations/V001, V002): a file with a column of one of these names is
 * quarantined (docs/contract.md, "Reserved names").
 */
export const META_COLUMNS = ['_file_id', '_row', '_line'];

/**
 * Every name an input column may not have: the raw tables' own columns, and
 * DuckDB's `rowid` (a column of that name hides the row id that numbers a
 * file's rows while it is staged).
 */
export const RESERVED_COLUMNS = [...META_COLUMNS, 'rowid'];
