// The official JavaScript client (@kubernetes/client-node) against
// `kubist serve`: list, watch, create, patch, delete. KUBECONFIG names an
// admin kubeconfig (HTTPS, CA inline, bearer token). Exits non-zero on the
// first failure.
import * as k8s from '@kubernetes/client-node';

const fail = (message) => {
    console.error('jsclient: FAIL: ' + message);
    process.exit(1);
};

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);

const namespaces = await core.listNamespace();
if (!namespaces.items.some((n) => n.metadata.name === 'kube-system'))
    fail('kube-system is not listed');

const seen = [];
const watch = new k8s.Watch(kc);
const request = await watch.watch(
    '/api/v1/namespaces/default/configmaps', { allowWatchBookmarks: true },
    (type, object) => seen.push(`${type} ${object.metadata.name}`),
    (err) => { if (err && err.name !== 'AbortError') seen.push('ERROR ' + err); });

await core.createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'from-js', labels: { made: 'js' } }, data: { a: '1' } },
});
await core.patchNamespacedConfigMap(
    { name: 'from-js', namespace: 'default', body: { data: { b: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
const read = await core.readNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
if (read.data.a !== '1' || read.data.b !== '2')
    fail('patch did not merge: ' + JSON.stringify(read.data));

const labelled = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'made=js' });
if (labelled.items.length !== 1) fail('label selector listed ' + labelled.items.length);

await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
        metadata: { name: 'js-web' },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'js-web' } },
            template: {
                metadata: { labels: { app: 'js-web' } },
                spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
            },
        },
    },
});
const deployment = await apps.readNamespacedDeployment({ name: 'js-web', namespace: 'default' });
if (deployment.spec.strategy.type !== 'RollingUpdate') fail('deployment was not defaulted');

await core.deleteNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
try {
    await core.readNamespacedConfigMap({ name: 'from-js', namespace: 'default' });
    fail('deleted config map is still there');
} catch (e) {
    if (e.code !== 404) fail('expected 404, got ' + e);
}

const expected = ['ADDED from-js', 'MODIFIED from-js', 'DELETED from-js'];
for (let i = 0; i < 100 && !expected.every((e) => seen.includes(e)); ++i)
    await new Promise((resolve) => setTimeout(resolve, 100));
request.abort();
if (!expected.every((e) => seen.includes(e))) fail('watch saw ' + JSON.stringify(seen));
console.log('jsclient: list, watch, create, patch, delete all worked');
