import { create, createFileRegistry, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';

/**
 * Protobuf message types built at run time from FileDescriptorProtos (what protoc would hand a code generator),
 * the way an application without generated code gives Confluent's ProtobufSerializer its types:
 *
 *   // <dir>/money.proto                       // <dir>/payment.proto
 *   syntax = "proto3";                         syntax = "proto3";
 *   package <pkg>.common;                      package <pkg>;
 *   message Money {                            import "<dir>/money.proto";
 *     string currency = 1;                     message Payment {
 *     int64 units = 2;                           string id = 1;
 *   }                                            <pkg>.common.Money amount = 2;
 *                                                string note = 3;   // only with `withNote`
 *                                              }
 */
export interface PaymentTypes {
  readonly files: FileRegistry;
  readonly payment: DescMessage;
  readonly money: DescMessage;
  /** File names as they appear in `import` statements (and as the serializer names their subjects). */
  readonly moneyFile: string;
  readonly paymentFile: string;
}

const field = (name: string, number: number, type: Type, typeName?: string) => ({
  name,
  number,
  type,
  label: Label.OPTIONAL,
  jsonName: name,
  ...(typeName ? { typeName } : {}),
});

export function paymentTypes(dir: string, pkg: string, withNote = false): PaymentTypes {
  const moneyFile = `${dir}/money.proto`;
  const paymentFile = `${dir}/payment.proto`;
  const money = create(FileDescriptorProtoSchema, {
    name: moneyFile,
    package: `${pkg}.common`,
    syntax: 'proto3',
    messageType: [
      { name: 'Money', field: [field('currency', 1, Type.STRING), field('units', 2, Type.INT64)] },
    ],
  });
  const payment = create(FileDescriptorProtoSchema, {
    name: paymentFile,
    package: pkg,
    dependency: [moneyFile],
    syntax: 'proto3',
    messageType: [
      {
        name: 'Payment',
        field: [
          field('id', 1, Type.STRING),
          field('amount', 2, Type.MESSAGE, `.${pkg}.common.Money`),
          ...(withNote ? [field('note', 3, Type.STRING)] : []),
        ],
      },
    ],
  });
  const files = createFileRegistry(payment, (name) => (name === moneyFile ? money : undefined));
  const paymentDesc = files.getMessage(`${pkg}.Payment`);
  const moneyDesc = files.getMessage(`${pkg}.common.Money`);
  if (!paymentDesc || !moneyDesc) throw new Error('the descriptors did not resolve');
  return { files, payment: paymentDesc, money: moneyDesc, moneyFile, paymentFile };
}
