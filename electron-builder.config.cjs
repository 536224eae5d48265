// Packaging: the built app in an asar, with the Electron fuses that would let anyone
// turn the signed binary into a Node.js runtime or attach a debugger switched off.
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.zfs-offsite.app',
  productName: 'ZFS Offsite',
  directories: { output: 'release', buildResources: 'resources' },
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json'],
  asar: true,
  // keytar and ssh2's optional cpu-features are native; they are rebuilt for Electron.
  npmRebuild: true,
  electronFuses: {
    runAsNode: false,
    enableNodeCliInspectArguments: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: { target: ['AppImage', 'deb'], category: 'Utility' },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', hardenedRuntime: true },
  win: { target: ['nsis'] },
}
